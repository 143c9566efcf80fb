// npm run bench (in bench/): the side-by-side run. Creates its own databases and Redis namespace,
// loads the seeded dataset, starts the subgraphs in one process, runs the scenarios, writes
// bench/RESULTS.md, and drops everything it created.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';
import { secrets, settings } from './config.ts';
import { loadAccounts, loadMarket, type AccountsLoad, type MarketLoad } from './dataset.ts';
import { BENCH, writeSupergraph } from './gateways.ts';
import { startHost, type Host } from './host-control.ts';
import { currentCommit, keepEarlierParts, writeResults, type Results } from './report.ts';
import { runColdStart } from './scenarios/cold-start.ts';
import { runCostScenario } from './scenarios/cost.ts';
import { runExistingBench } from './scenarios/existing.ts';
import { runGatewayScenario } from './scenarios/gateways.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);
const results: Results = { startedAt: new Date(), commit: currentCommit(), settings, earlier: {} };
const runDir = `${BENCH}.run`;
mkdirSync(runDir, { recursive: true });

const names = ['auth', 'portfolio', 'analytics', 'notifications', 'timescale'] as const;
let databases: TestDatabase[] = [];
let host: Host | null = null;
const namespace = uniqueName('nn_bench');
const cleanUp = async () => {
  await host?.stop();
  host = null;
  await Promise.all(databases.map((db) => db.drop()));
  databases = [];
  await dropRedisNamespace(namespace);
};
// Ctrl-C still drops the databases and the namespace.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
try {
  databases = await Promise.all(names.map((name) => createTestDatabase(`bench_${name}`)));
  const [auth, portfolio, analytics, notifications, timescale] = databases.map((db) => db.url) as [string, string, string, string, string];
  log('Loading market data (COPY)...');
  const market: MarketLoad = await loadMarket(timescale, { total: settings.instruments, days: settings.historyDays, seed: settings.seed });
  log(`  ${market.instruments} instruments, ${market.prices} daily prices in ${market.seconds.toFixed(1)} s`);
  log('Starting the subgraphs...');
  host = await startHost({
    databases: { auth, portfolio, analytics, notifications, timescale },
    redisUrl: testRedisUrl(),
    namespace,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.BENCH_HOST_LOG_LEVEL ?? 'silent',
      MARKET_SIMULATOR: 'off',
      // Portfolio's read cache outlives the whole run (its default is 300 s): warmed once before
      // the first gateway, it is equally warm for every gateway after it (scenarios/gateways.ts).
      PORTFOLIO_CACHE_TTL_SECONDS: '7200',
      NEXANEST_ADMIN_PASSWORD: 'bench_admin_password',
      ...secrets,
    },
  });
  log('Loading users and portfolios (COPY)...');
  const accounts: AccountsLoad = await loadAccounts(
    { auth, portfolio, timescale },
    {
      users: settings.users,
      portfolios: settings.portfoliosPerUser,
      holdings: settings.holdingsPerPortfolio,
      seed: settings.seed,
      sizes: [
        { label: 'small', portfolios: 1, holdings: 5 },
        { label: 'large', portfolios: 10, holdings: 50 },
      ],
    },
  );
  log(`  ${JSON.stringify(accounts.rows)} in ${accounts.seconds.toFixed(1)} s`);
  results.dataset = { market, rows: accounts.rows, accountsSeconds: accounts.seconds };
  // Outside the repository: a generated file, not for the linter.
  const supergraphPath = join(mkdtempSync(join(tmpdir(), 'nexanest-bench-')), 'supergraph.graphql');
  writeSupergraph(host.services, supergraphPath);
  const subgraphs = { services: host.services, pid: host.pid, redisUrl: testRedisUrl(), namespace };
  if (settings.parts.has('gateways')) {
    log('Scenario 1: gateways side by side');
    results.gateways = await runGatewayScenario(accounts.users, subgraphs, supergraphPath, log);
  }
  if (settings.parts.has('cost')) {
    log('Scenario 2: cost per operation');
    results.cost = await runCostScenario(host, accounts, log);
  }
} finally {
  await cleanUp();
}
if (settings.parts.has('fanout')) {
  log('Scenario 3: subscription fan-out (infrastructure/bench/fanout.ts)');
  results.fanout = await runExistingBench('bench:fanout', { BENCH_CLIENTS: '5000', BENCH_TICKS_PER_S: '2000', BENCH_DURATION: '10' }, log);
}
if (settings.parts.has('ingest')) {
  log('Scenario 4: ingest against COPY (infrastructure/bench/ingest.ts)');
  results.ingest = await runExistingBench('bench:ingest', { BENCH_ROWS: '50000' }, log);
}
if (settings.parts.has('coldstart')) {
  log('Scenario 5: cold start of npm start');
  results.coldStart = await runColdStart(log);
}
results.finishedAt = new Date();
keepEarlierParts(results);
const path = writeResults(results);
log(`Wrote ${path}`);
process.exit(0);
