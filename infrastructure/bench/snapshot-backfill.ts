// npm run bench:snapshot-backfill — the analytics snapshot builder's backfill rate, in
// portfolio-days per second: portfolios with a year of ledger (USD and EUR, stocks in several
// currencies), valued daily from market's closes and FX history over HTTP, snapshots written to
// analytics_ts. Then an incremental run after one back-dated entry. Everything on this machine.
import { analyticsSchema, createPortfolioLedgerClient, createSnapshotBuilder } from '@nexanest/analytics';
import { DEV_SECRETS } from '@nexanest/config';
import { createPool } from '@nexanest/db';
import { createLogger, createMarketClient } from '@nexanest/graphql';
import { listReferenceInstruments } from '@nexanest/market';
import { operation } from '../../test/support/operations.ts';
import { registerUser, startTestStack } from '../../test/support/stack.ts';

const PORTFOLIOS = Number(process.env.BENCH_PORTFOLIOS ?? 10);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const DAY_MS = 86_400_000;

const stack = await startTestStack({ demoHistoryDays: DAYS + 10, env: { ANALYTICS_SNAPSHOT_EVENTS: 'off', ANALYTICS_SNAPSHOT_INTERVAL_MS: '0' } });
const analytics = createPool({ url: stack.databases.analytics, max: 2, schema: analyticsSchema, applicationName: 'bench-backfill' });
const timescale = createPool({ url: stack.databases.timescale, max: 2, applicationName: 'bench-backfill' });
try {
  const instruments = listReferenceInstruments()
    .filter((i) => i.assetClass === 'STOCK' || i.assetClass === 'ETF')
    .slice(0, 10);
  const user = await registerUser(stack, 'backfill');
  const start = Date.now() - DAYS * DAY_MS;
  let portfolioId = '';
  for (let p = 0; p < PORTFOLIOS; p++) {
    const created = await user.client.request<{ createPortfolio: { id: string } }>(operation('CreatePortfolio'), {
      input: { name: `Backfill ${p}`, portfolioType: 'TAXABLE', baseCurrency: p % 2 ? 'EUR' : 'USD' },
    });
    portfolioId = created.data!.createPortfolio.id;
    const record = async (input: Record<string, unknown>) => {
      const answer = await user.client.request(operation('RecordTransaction'), { input: { portfolioId, ...input } });
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    };
    await record({ type: 'DEPOSIT', amount: '100000', currency: 'USD', executedAt: new Date(start + 3_600_000).toISOString() });
    for (const [i, { symbol, currency }] of instruments.entries())
      await record({ type: 'BUY', symbol, quantity: '5', price: '50', currency, executedAt: new Date(start + (i * 30 + 1) * DAY_MS).toISOString() });
  }
  const builder = createSnapshotBuilder({
    analytics: analytics.db,
    timescale: timescale.sql,
    portfolio: createPortfolioLedgerClient({ url: stack.services.portfolio as string, secret: DEV_SECRETS.GATEWAY_IDENTITY_SECRET }),
    market: createMarketClient({ url: stack.services.market as string, cacheTtlMs: 60_000, secret: DEV_SECRETS.GATEWAY_IDENTITY_SECRET }),
    logger: createLogger('bench-backfill', 'warn'),
  });
  const measure = async (label: string) => {
    const t0 = performance.now();
    const outcomes = await builder.run();
    const seconds = (performance.now() - t0) / 1000;
    const days = outcomes.reduce((sum, outcome) => sum + outcome.written, 0);
    const failed = outcomes.filter((outcome) => outcome.error);
    console.log(`${label}: ${outcomes.length} portfolios, ${days} portfolio-days in ${seconds.toFixed(2)} s = ${(days / seconds).toFixed(0)} portfolio-days/s`);
    for (const failure of failed) console.log(`  failed ${failure.portfolioId}: ${failure.error}`);
  };
  await measure(`full backfill (${PORTFOLIOS} portfolios, ${DAYS} days, ${instruments.length} holdings each)`);
  await measure('nothing changed');
  const answer = await user.client.request(operation('RecordTransaction'), {
    input: { portfolioId, type: 'DEPOSIT', amount: '10', currency: 'USD', executedAt: new Date(Date.now() - 30 * DAY_MS).toISOString() },
  });
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  await measure('one entry back-dated 30 days');
} finally {
  await analytics.close();
  await timescale.close();
  await stack.teardown();
}
