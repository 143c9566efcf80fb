/**
 * Latency of the analytics fields over five years of daily snapshots, against real PostgreSQL and
 * the real market subgraph (five years of demo prices), through analytics' own HTTP endpoint:
 *   npx tsx subgraphs/analytics/bench/performance.ts
 * Prints the cold request (benchmark closes fetched from market) and warm requests (closes cached).
 */
import { randomUUID } from 'node:crypto';
import { createBus } from '@nexanest/bus';
import { loadEnv } from '@nexanest/config';
import { createPool } from '@nexanest/db';
import { createLogger, IDENTITY_HEADER, signIdentity } from '@nexanest/graphql';
import { marketEnvSchema, seedDemoMarketData, startMarketService } from '@nexanest/market';
import { createTestDatabase } from '@nexanest/testing';
import { analyticsEnvSchema } from '../src/env.ts';
import { startAnalyticsService } from '../src/start.ts';

const DAYS = 5 * 365 + 2;
const WARM_RUNS = 30;
const QUERY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Portfolio {
  performance(range: FIVE_YEARS) { simpleReturn timeWeightedReturn moneyWeightedReturn startValue { amount } endValue { amount } benchmarkReturn }
  year: performance(range: ONE_YEAR) { timeWeightedReturn moneyWeightedReturn benchmarkReturn }
  performanceSeries(range: ONE_YEAR, interval: DAY) { time portfolioReturn benchmarkReturn }
  riskMetrics(window: ONE_YEAR) { volatility maxDrawdown sharpeRatio beta }
} } }`;

const logger = createLogger('bench', 'silent');
const [analyticsDb, timescaleDb] = [await createTestDatabase('bench_analytics'), await createTestDatabase('bench_timescale')];
const bus = createBus({ redisUrl: null, namespace: 'bench' });
const market = await startMarketService({
  env: marketEnvSchema.parse({ TIMESCALE_DATABASE_URL: timescaleDb.url, MARKET_SIMULATOR: 'off', LOG_LEVEL: 'silent' }),
  logger,
  bus,
  port: 0,
});
const env = loadEnv(analyticsEnvSchema, {
  NODE_ENV: 'test',
  ANALYTICS_DATABASE_URL: analyticsDb.url,
  TIMESCALE_DATABASE_URL: timescaleDb.url,
  MARKET_SUBGRAPH_URL: market.url,
});
const analytics = await startAnalyticsService({ env, logger, port: 0 });
try {
  await seedDemoMarketData(market.pool.sql, { days: DAYS, endDate: new Date() });
  const owner = randomUUID();
  const portfolioId = randomUUID();
  const pool = createPool({ url: timescaleDb.url, max: 2, applicationName: 'bench' });
  // A random walk with a deposit every 30 days.
  const times: string[] = [];
  const values: string[] = [];
  const flows: string[] = [];
  let value = 100_000;
  for (let i = DAYS - 1; i >= 0; i--) {
    const day = new Date(Date.now() - i * 86_400_000);
    const flow = i % 30 === 0 ? 1000 : 0;
    value = value * (1 + Math.sin(i) * 0.01) + flow;
    times.push(new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - 1, 23, 59, 59)).toISOString());
    values.push(value.toFixed(2));
    flows.push(flow.toFixed(2));
  }
  await pool.sql`
    insert into analytics_ts.portfolio_snapshots (portfolio_id, owner_id, time, total_value, currency, net_flow)
    select ${portfolioId}, ${owner}, t::timestamptz, v::numeric, 'USD', f::numeric
    from unnest(${times}::text[], ${values}::text[], ${flows}::text[]) as u(t, v, f)`;
  await pool.close();

  const token = await signIdentity({ userId: owner, role: 'USER' }, env.GATEWAY_IDENTITY_SECRET, 600);
  const ask = async () => {
    const started = performance.now();
    const response = await fetch(analytics.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
      body: JSON.stringify({
        query: QUERY,
        variables: { reps: [{ __typename: 'Portfolio', id: portfolioId, baseCurrency: 'USD', benchmark: { symbol: 'SPY' } }] },
      }),
    });
    const body = (await response.json()) as { errors?: unknown[]; data?: { _entities: { performanceSeries: unknown[] }[] } };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { ms: performance.now() - started, points: body.data!._entities[0]!.performanceSeries.length };
  };
  const cold = await ask();
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push((await ask()).ms);
  warm.sort((a, b) => a - b);
  console.log(`snapshots: ${DAYS} days; ONE_YEAR series: ${cold.points} points`);
  console.log(`cold (market asked): ${cold.ms.toFixed(1)} ms`);
  console.log(`warm (closes cached), ${WARM_RUNS} runs: p50 ${warm[Math.floor(WARM_RUNS / 2)]!.toFixed(1)} ms, max ${warm[WARM_RUNS - 1]!.toFixed(1)} ms`);
} finally {
  await analytics.close();
  await market.close();
  await bus.close();
  await analyticsDb.drop();
  await timescaleDb.drop();
}
