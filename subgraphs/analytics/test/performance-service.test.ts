import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, type Bus } from '@nexanest/bus';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger, type Identity, createMarketClient, type MarketClient } from '@nexanest/graphql';
import { marketEnvSchema, seedDemoMarketData, startMarketService, type MarketServiceHandle } from '@nexanest/market';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';
import { createAnalyticsContext } from '../src/context.ts';
import { migrateAnalytics } from '../src/migrate.ts';
import { createAnalyticsServer } from '../src/server.ts';
import { recordSnapshot } from '../src/snapshots-store.ts';

// Analytics against real PostgreSQL and the real market subgraph over HTTP, both on the same
// time-series database, as in production. The clock is pinned to 2025-06-28 12:00 UTC.
const NOW = new Date('2025-06-28T12:00:00Z');
const RISK_FREE = 0.02;

const namespace = uniqueName('analytics_perf');
const databases: TestDatabase[] = [];
const pools: Pool<Record<string, unknown>>[] = [];
let timescale: Pool<Record<string, unknown>>;
let bus: Bus;
let market: MarketServiceHandle;
let marketCalls = 0;
let marketClient: MarketClient;
const server = createAnalyticsServer({ logger: createLogger('analytics-test', 'silent'), production: true });
const owner: Identity = { userId: randomUUID(), role: 'USER' };
const stranger: Identity = { userId: randomUUID(), role: 'USER' };

/** A: 1000, +10%, -5% then a 1000 deposit, +10% (24-27 June). B: twice SPY's daily moves (2-6 June). */
const A = randomUUID();
const B = randomUUID();
const day = (iso: string) => new Date(`${iso}T23:59:59Z`);
const SPY_CLOSES = [
  ['2025-06-02', '100'],
  ['2025-06-03', '101'], // +1%
  ['2025-06-04', '99.99'], // -1%
  ['2025-06-05', '101.9898'], // +2%
  ['2025-06-06', '101.9898'], // 0%
] as const;
const B_VALUES = ['1000', '1020', '999.6', '1039.584', '1039.584']; // +2%, -2%, +4%, 0%

const QUERY = `query($reps: [_Any!]!, $range: PerformanceRange!, $interval: SnapshotInterval!) {
  _entities(representations: $reps) {
    ... on Portfolio {
      id
      performance(range: $range) {
        simpleReturn timeWeightedReturn moneyWeightedReturn
        startValue { amount currency } endValue { amount currency }
        benchmarkSymbol benchmarkReturn
      }
      performanceSeries(range: $range, interval: $interval) { time portfolioReturn benchmarkReturn }
      riskMetrics(window: $range) { volatility maxDrawdown sharpeRatio beta }
    }
  }
}`;

interface Answer {
  performance: {
    simpleReturn: number | null;
    timeWeightedReturn: number | null;
    moneyWeightedReturn: number | null;
    startValue: { amount: string; currency: string } | null;
    endValue: { amount: string; currency: string } | null;
    benchmarkSymbol: string;
    benchmarkReturn: number | null;
  };
  performanceSeries: { time: string; portfolioReturn: number; benchmarkReturn: number | null }[] | null;
  riskMetrics: { volatility: number | null; maxDrawdown: number | null; sharpeRatio: number | null; beta: number | null };
}

async function ask(
  identity: Identity | null,
  portfolio: { id: string; baseCurrency?: string; benchmark?: string },
  args: { range: string; interval?: string },
  client: MarketClient = marketClient,
) {
  // What the gateway sends after the portfolio subgraph resolved the portfolio: its owner included.
  const rep = {
    __typename: 'Portfolio',
    id: portfolio.id,
    baseCurrency: portfolio.baseCurrency ?? 'USD',
    benchmark: { symbol: portfolio.benchmark ?? 'SPY' },
    owner: { id: owner.userId },
  };
  const context = createAnalyticsContext({ timescaleSql: timescale.sql, market: client, riskFreeRate: RISK_FREE, now: () => NOW })(identity);
  const response = await server.apollo.executeOperation({ query: QUERY, variables: { reps: [rep], interval: 'DAY', ...args } }, { contextValue: context });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  return {
    answer: (data?._entities as (Answer | null)[] | undefined)?.[0] ?? null,
    errors: (errors ?? []).map((e) => ({ code: e.extensions?.code, path: e.path?.join('.') })),
  };
}

beforeAll(async () => {
  for (const prefix of ['analytics', 'timescale']) databases.push(await createTestDatabase(prefix));
  const [analyticsDb, timescaleDb] = databases;
  pools.push(createPool({ url: analyticsDb!.url, max: 2, applicationName: 'nexanest-analytics-test' }));
  timescale = createPool({ url: timescaleDb!.url, max: 4, applicationName: 'nexanest-analytics-test' });
  pools.push(timescale);
  await migrateAnalytics({ analytics: pools[0]!.sql, timescale: timescale.sql });

  bus = createBus({ redisUrl: testRedisUrl(), namespace });
  const marketEnv = marketEnvSchema.parse({ TIMESCALE_DATABASE_URL: timescaleDb!.url, MARKET_SIMULATOR: 'off', LOG_LEVEL: 'silent' });
  market = await startMarketService({ env: marketEnv, logger: createLogger('market-test', 'silent'), bus, port: 0 });
  // SPY's closes in June 2025 go in through market's own ingest path; FX rates from its demo seed.
  const ingested = await market.ingest(SPY_CLOSES.map(([date, price]) => ({ symbol: 'SPY', price, time: new Date(`${date}T20:00:00Z`) })));
  expect(ingested.rejected).toEqual([]);
  await seedDemoMarketData(market.pool.sql, { days: 2, endDate: new Date() });
  const counting: typeof fetch = (input, init) => {
    marketCalls++;
    return fetch(input, init);
  };
  marketClient = createMarketClient({ url: market.url, fetch: counting, secret: marketEnv.GATEWAY_IDENTITY_SECRET });
  // USD/EUR history for the EUR benchmark test (market's own table, on its monthly partitions).
  await market.pool.sql`select market_data.ensure_monthly_partitions('currency_rates', '2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z')`;
  for (const [date, rate] of [
    ['2025-06-02', '0.90'],
    ['2025-06-03', '0.91'],
    ['2025-06-04', '0.92'],
    ['2025-06-05', '0.93'],
    ['2025-06-06', '0.95'],
  ])
    await market.pool.sql`insert into market_data.currency_rates (base, quote, time, rate) values ('USD', 'EUR', ${`${date}T21:00:00Z`}, ${rate as string})`;

  const A_POINTS = [
    ['2025-06-24', '1000', '0'],
    ['2025-06-25', '1100', '0'],
    ['2025-06-26', '2045', '1000'],
    ['2025-06-27', '2249.5', '0'],
  ] as const;
  for (const [date, totalValue, netFlow] of A_POINTS)
    await recordSnapshot(timescale.sql, { portfolioId: A, ownerId: owner.userId, time: day(date), totalValue, currency: 'USD', netFlow });
  for (const [i, [date]] of SPY_CLOSES.entries())
    await recordSnapshot(timescale.sql, { portfolioId: B, ownerId: owner.userId, time: day(date), totalValue: B_VALUES[i]!, currency: 'USD' });
});

afterAll(async () => {
  await server.apollo.stop().catch(() => {});
  await market?.close();
  await bus?.close();
  await Promise.all(pools.map((pool) => pool.close()));
  await Promise.all(databases.map((database) => database.drop()));
  await dropRedisNamespace(namespace);
});

describe('Portfolio.performance', () => {
  it('measures a deposit in the middle of the week: TWR 14.95%, simple 24.95%, MWR 18.98%', async () => {
    const { answer, errors } = await ask(owner, { id: A }, { range: 'ONE_WEEK' });
    expect(errors).toEqual([]);
    const performance = answer!.performance;
    expect(performance.timeWeightedReturn).toBeCloseTo(0.1495, 12);
    expect(performance.simpleReturn).toBe(0.2495);
    expect(performance.moneyWeightedReturn).toBeCloseTo(0.189846935, 8);
    expect(performance.startValue).toEqual({ amount: '1000', currency: 'USD' });
    expect(performance.endValue).toEqual({ amount: '2249.5', currency: 'USD' });
    // SPY has no close within a week of 24-27 June: no benchmark return, and no error.
    expect(performance).toMatchObject({ benchmarkSymbol: 'SPY', benchmarkReturn: null });
  });

  it('starts a window at the last snapshot before it: ONE_DAY is 26 -> 27 June, +10%', async () => {
    const { answer } = await ask(owner, { id: A }, { range: 'ONE_DAY' });
    expect(answer!.performance.startValue!.amount).toBe('2045');
    expect(answer!.performance.timeWeightedReturn).toBeCloseTo(0.1, 12);
    expect(answer!.performance.moneyWeightedReturn).toBeCloseTo(0.1, 10);
  });

  it("compares with SPY's daily closes from market over the same days: 101.9898 / 100 - 1", async () => {
    const { answer, errors } = await ask(owner, { id: B }, { range: 'ONE_MONTH' });
    expect(errors).toEqual([]);
    expect(answer!.performance.benchmarkReturn).toBeCloseTo(0.019898, 12);
    // 1.02 x 0.98 x 1.04 x 1 - 1, no flows: all three agree.
    expect(answer!.performance.timeWeightedReturn).toBeCloseTo(0.039584, 12);
    expect(answer!.performance.simpleReturn).toBeCloseTo(0.039584, 12);
    expect(answer!.performance.moneyWeightedReturn).toBeCloseTo(0.039584, 10);
  });

  it("converts the benchmark into a EUR portfolio's base currency at each day's rate: (101.9898 x 0.95) / (100 x 0.90) - 1", async () => {
    const { answer, errors } = await ask(owner, { id: B, baseCurrency: 'EUR' }, { range: 'ONE_MONTH' });
    expect(errors).toEqual([]);
    // USD/EUR 0.90 on 2 June, 0.95 on 6 June: SPY's +1.9898% in USD is +7.6559% in EUR.
    expect(answer!.performance.benchmarkReturn).toBeCloseTo((101.9898 * 0.95) / (100 * 0.9) - 1, 12);
    const series = await ask(owner, { id: B, baseCurrency: 'EUR' }, { range: 'ONE_MONTH', interval: 'DAY' });
    expect(series.answer!.performanceSeries![1]!.benchmarkReturn).toBeCloseTo((101 * 0.91) / (100 * 0.9) - 1, 12);
  });

  it('answers a null benchmark return for a base currency market has no rate for on those days', async () => {
    const { answer, errors } = await ask(owner, { id: B, baseCurrency: 'CHF' }, { range: 'ONE_MONTH' });
    expect(errors).toEqual([]);
    expect(answer!.performance.benchmarkReturn).toBeNull();
  });

  it('answers a null benchmark return, not an error, for a benchmark market does not know', async () => {
    const { answer, errors } = await ask(owner, { id: B, benchmark: 'NOPE' }, { range: 'ONE_MONTH' });
    expect(errors).toEqual([]);
    expect(answer!.performance).toMatchObject({ benchmarkSymbol: 'NOPE', benchmarkReturn: null });
    expect(answer!.riskMetrics.beta).toBeNull();
  });

  it('answers null figures, not an error, for a portfolio without snapshots in the window', async () => {
    const { answer, errors } = await ask(owner, { id: randomUUID() }, { range: 'ONE_YEAR' });
    expect(errors).toEqual([]);
    expect(answer!.performance).toMatchObject({ simpleReturn: null, timeWeightedReturn: null, moneyWeightedReturn: null, startValue: null, endValue: null });
    expect(answer!.performanceSeries).toEqual([]);
    expect(answer!.riskMetrics).toEqual({ volatility: null, maxDrawdown: null, sharpeRatio: null, beta: null });
  });
});

describe('Portfolio.performanceSeries', () => {
  it('lists cumulative returns of the portfolio and SPY since the first point, per day', async () => {
    const { answer } = await ask(owner, { id: B }, { range: 'ONE_MONTH', interval: 'DAY' });
    const series = answer!.performanceSeries!;
    expect(series.map((p) => p.time.slice(0, 10))).toEqual(SPY_CLOSES.map(([date]) => date));
    expect(series[0]).toMatchObject({ portfolioReturn: 0, benchmarkReturn: 0 });
    expect(series[2]!.portfolioReturn).toBeCloseTo(1.02 * 0.98 - 1, 12);
    expect(series[2]!.benchmarkReturn).toBeCloseTo(99.99 / 100 - 1, 12);
    expect(series[4]!.portfolioReturn).toBeCloseTo(0.039584, 12);
    expect(series[4]!.benchmarkReturn).toBeCloseTo(0.019898, 12);
  });

  it('keeps the first point and the last of each ISO week for WEEK', async () => {
    const { answer } = await ask(owner, { id: A }, { range: 'ONE_MONTH', interval: 'WEEK' });
    expect(answer!.performanceSeries!.map((p) => [p.time.slice(0, 10), Number(p.portfolioReturn.toFixed(10))])).toEqual([
      ['2025-06-24', 0],
      ['2025-06-27', 0.1495],
    ]);
  });
});

describe('Portfolio.riskMetrics', () => {
  it('computes volatility, drawdown, Sharpe and beta from the daily returns (B moves twice as much as SPY)', async () => {
    const { answer, errors } = await ask(owner, { id: B }, { range: 'ONE_MONTH' });
    expect(errors).toEqual([]);
    const risk = answer!.riskMetrics;
    // Daily returns 0.02, -0.02, 0.04, 0: stdev sqrt(2e-3 / 3) x sqrt(252) = 0.409878
    expect(risk.volatility).toBeCloseTo(0.40987803, 7);
    expect(risk.maxDrawdown).toBeCloseTo(0.02, 12); // 1020 -> 999.6
    expect(risk.sharpeRatio).toBeCloseTo((0.01 * 252 - RISK_FREE) / 0.40987803, 6);
    expect(risk.beta).toBeCloseTo(2, 10);
  });
});

describe('access and market', () => {
  it("shows another owner's portfolio as having nothing to measure", async () => {
    const { answer, errors } = await ask(stranger, { id: A }, { range: 'ONE_WEEK' });
    expect(errors).toEqual([]);
    expect(answer!.performance.timeWeightedReturn).toBeNull();
    expect(answer!.performanceSeries).toEqual([]);
  });

  it('measures a client portfolio for an ADVISOR the portfolio subgraph showed it to', async () => {
    const advisor: Identity = { userId: randomUUID(), role: 'ADVISOR' };
    const { answer, errors } = await ask(advisor, { id: A }, { range: 'ONE_WEEK' });
    expect(errors).toEqual([]);
    expect(answer!.performance.timeWeightedReturn).toBeCloseTo(0.1495, 10);
  });

  it('answers UNAUTHENTICATED without an identity and FORBIDDEN to an API key without portfolio:read', async () => {
    expect((await ask(null, { id: A }, { range: 'ONE_WEEK' })).errors.map((e) => e.code)).toContain('UNAUTHENTICATED');
    const key: Identity = { ...owner, scopes: ['market:write'] };
    expect((await ask(key, { id: A }, { range: 'ONE_WEEK' })).errors.map((e) => e.code)).toContain('FORBIDDEN');
  });

  it('asks market once per benchmark and window within a request, and reuses the answer across requests', async () => {
    const client = createMarketClient({
      url: market.url,
      fetch: (input, init) => {
        marketCalls++;
        return fetch(input, init);
      },
    });
    const before = marketCalls;
    await ask(owner, { id: B }, { range: 'THREE_MONTHS' }, client); // benchmarkReturn, series and beta share one fetch
    expect(marketCalls - before).toBe(1);
    await ask(owner, { id: B }, { range: 'THREE_MONTHS' }, client);
    expect(marketCalls - before).toBe(1);
  });

  it('loses only the benchmark figures, with an error on their path, when market cannot be reached', async () => {
    const unreachable = createMarketClient({ url: 'http://127.0.0.1:9/graphql', timeoutMs: 1000 });
    const { answer, errors } = await ask(owner, { id: B }, { range: 'ONE_MONTH' }, unreachable);
    expect(answer!.performance.timeWeightedReturn).toBeCloseTo(0.039584, 12);
    expect(answer!.performance.benchmarkReturn).toBeNull();
    expect(answer!.riskMetrics.volatility).toBeCloseTo(0.40987803, 7);
    expect(answer!.riskMetrics.beta).toBeNull();
    expect(answer!.performanceSeries).toBeNull();
    expect(errors.map((e) => e.path).sort()).toEqual([
      '_entities.0.performance.benchmarkReturn',
      '_entities.0.performanceSeries',
      '_entities.0.riskMetrics.beta',
    ]);
    expect(errors.every((e) => e.code === 'INTERNAL_SERVER_ERROR')).toBe(true);
  });
});
