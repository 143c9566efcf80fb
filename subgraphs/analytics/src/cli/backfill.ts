// npm run analytics:backfill -- [--portfolio id] [--from YYYY-MM-DD]
// Builds analytics_ts.portfolio_snapshots from portfolio's ledger (its signed internal routes),
// market's closes and FX history: only what changed since the last run (per-portfolio watermark
// and dirty-from day), or everything from --from on. Shows progress in portfolio-days; exit code
// 0 when every portfolio was built, 1 when any failed (the reasons are printed).
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { createPool } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createPortfolioLedgerClient } from '../builder/portfolio-ledger-client.ts';
import { createSnapshotBuilder, type BuildOutcome } from '../builder/snapshot-builder.ts';
import { schema } from '../db/index.ts';
import { loadAnalyticsEnv } from '../env.ts';
import { createMarketClient } from '@nexanest/graphql';
import { migrateAnalytics } from '../migrate.ts';

const { values } = parseArgs({ options: { portfolio: { type: 'string' }, from: { type: 'string' } } });
const usage = 'usage: npm run analytics:backfill -- [--portfolio <uuid>] [--from YYYY-MM-DD]\n';
if (values.portfolio !== undefined && !/^[0-9a-f-]{36}$/i.test(values.portfolio)) {
  process.stderr.write(usage);
  process.exit(1);
}
if (values.from !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(values.from) || Number.isNaN(Date.parse(values.from)))) {
  process.stderr.write(usage);
  process.exit(1);
}

const env = loadAnalyticsEnv();
const logger = createLogger('analytics-backfill', 'warn');
const analytics = createPool({ url: env.ANALYTICS_DATABASE_URL, max: 2, schema, applicationName: 'analytics-backfill' });
const timescale = createPool({ url: env.TIMESCALE_DATABASE_URL, max: 2, applicationName: 'analytics-backfill' });
let code = 0;
try {
  await migrateAnalytics({ analytics: analytics.sql, timescale: timescale.sql });
  const builder = createSnapshotBuilder({
    analytics: analytics.db,
    timescale: timescale.sql,
    portfolio: createPortfolioLedgerClient({ url: env.PORTFOLIO_SUBGRAPH_URL, secret: env.GATEWAY_IDENTITY_SECRET }),
    market: createMarketClient({ url: env.MARKET_SUBGRAPH_URL, cacheTtlMs: env.ANALYTICS_MARKET_CACHE_TTL_MS, secret: env.GATEWAY_IDENTITY_SECRET }),
    logger,
  });
  const tty = Boolean(process.stdout.isTTY);
  const bar = new SingleBar(
    { format: 'snapshots [{bar}] {percentage}% | {value}/{total} portfolio-days | {portfolios} | {rate} days/s', hideCursor: true },
    Presets.shades_classic,
  );
  const started = Date.now();
  let done = 0;
  let total = 0;
  let portfolios = 0;
  let plannedPortfolios = 0;
  const failures: BuildOutcome[] = [];
  const rate = () => (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(0);
  await builder.run({
    ...(values.portfolio ? { portfolioIds: [values.portfolio.toLowerCase()] } : {}),
    ...(values.from ? { from: values.from } : {}),
    onPlan(builds) {
      total = builds.reduce((sum, build) => sum + build.days, 0);
      plannedPortfolios = builds.length;
      if (tty) bar.start(total, 0, { portfolios: `0/${plannedPortfolios} portfolios`, rate: '0' });
      else process.stdout.write(`${plannedPortfolios} portfolios, ${total} portfolio-days to build\n`);
    },
    onProgress(outcome) {
      done += outcome.days;
      portfolios += 1;
      if (outcome.error) failures.push(outcome);
      if (tty) bar.update(done, { portfolios: `${portfolios}/${plannedPortfolios} portfolios`, rate: rate() });
      else process.stdout.write(`${portfolios}/${plannedPortfolios} portfolios, ${done}/${total} portfolio-days\n`);
    },
  });
  if (tty) bar.stop();
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`built ${done} portfolio-days of ${portfolios} portfolios in ${seconds.toFixed(1)} s (${rate()} portfolio-days/s)\n`);
  for (const failure of failures) process.stderr.write(`portfolio ${failure.portfolioId}: ${failure.error}\n`);
  if (failures.length > 0) code = 1;
} catch (error) {
  process.stderr.write(`backfill failed: ${(error as Error).message}\n`);
  code = 1;
} finally {
  await analytics.close();
  await timescale.close();
}
process.exit(code);
