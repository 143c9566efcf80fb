import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '@nexanest/db';
import { createContextFactory } from '../src/context.ts';
import { createFxTable } from '../src/domain/fx.ts';
import { createInstrumentCache, createLoaders, loadFxTable } from '../src/loaders.ts';
import { createMarketServer } from '../src/server.ts';
import { seedDemoMarketData } from '../src/services/seed-demo-market-data.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

// Same graphql build as @apollo/subgraph (see graphql.test.ts).
createRequire(import.meta.url)('graphql');

const now = new Date('2026-11-21T00:00:00Z');
let kit: MarketTestKit;
let server: ReturnType<typeof createMarketServer>;

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
  await seedDemoMarketData(kit.pool.sql, { days: 10, endDate: new Date('2026-11-20T22:00:00Z') });
  SYMBOLS = (
    await kit.pool.sql<{ symbol: string }[]>`select i.symbol from market_data.instruments i join market_data.latest_prices p using (symbol)
      where i.asset_class in ('STOCK', 'ETF') order by i.symbol`
  ).map((row) => row.symbol);
  server = createMarketServer(kit.deps);
  await server.apollo.start();
});
afterAll(async () => {
  await server?.apollo.stop();
  await kit?.close();
});

type Result = { data?: Record<string, any> | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };
async function run(query: string, variables: Record<string, unknown>): Promise<Result> {
  const response = await server.apollo.executeOperation({ query, variables }, { contextValue: createContextFactory(kit.deps)(null) });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as Result;
}

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Portfolio { id cashBalance { amount currency } allocation(by: SECTOR) { key weight } rebalancePlan { symbol action quantity } }
  ... on Holding { id weight }
  ... on Goal { id progress currentValue { amount currency } }
  ... on AllocationRule { id currentWeight drift }
} }`;

/** Priced stocks and ETFs of the seeded universe; a portfolio holds each symbol at most once. */
let SYMBOLS: string[] = [];

/** Representations of one portfolio with `n` holdings, each holding, a goal and a rule, as the gateway sends them. */
function representations(n: number) {
  const holdings = Array.from({ length: n }, (_, index) => ({ symbol: SYMBOLS[index] as string, quantity: `${index + 1}` }));
  const portfolio = { baseCurrency: 'CHF', holdings, cashBalances: [{ amount: '100', currency: 'EUR' }] };
  const rules = [{ dimension: 'SYMBOL', key: 'AAPL', targetWeight: 0.05, tolerance: 0.01 }];
  return [
    { __typename: 'Portfolio', id: 'p1', ...portfolio, allocationRules: rules },
    ...holdings.map((holding, index) => ({ __typename: 'Holding', id: `h${index}`, ...holding, portfolio: { baseCurrency: 'CHF', holdings } })),
    { __typename: 'Goal', id: 'g1', targetAmount: { amount: '1000000', currency: 'USD' }, portfolio },
    { __typename: 'AllocationRule', id: 'r1', ...rules[0], portfolio: { baseCurrency: 'CHF', holdings } },
  ];
}

async function statementsFor(n: number) {
  await run(ENTITIES, { r: representations(n) });
  statementCounter.reset();
  const result = await run(ENTITIES, { r: representations(n) });
  expect(result.errors).toBeUndefined();
  return { result, statements: statementCounter.count };
}

describe('valuation fields for portfolio entities', () => {
  it('answers every valuation field of a portfolio of all priced instruments in as many statements as for 5 holdings', async () => {
    expect(SYMBOLS.length).toBeGreaterThanOrEqual(20);
    const small = await statementsFor(5);
    const large = await statementsFor(SYMBOLS.length);
    expect(large.statements).toBe(small.statements);
    // instruments, latest prices, and FX quotes in two batches: the cash currencies at once, the
    // trading currencies once the instruments are known.
    expect(large.statements).toBeLessThanOrEqual(4);
    const entities = large.result.data?._entities as Array<Record<string, any>>;
    const weights = entities.filter((entity) => entity.id.startsWith('h')).map((entity) => entity.weight as number);
    expect(weights).toHaveLength(SYMBOLS.length);
    expect(weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 10);
    const [portfolio] = entities;
    expect(portfolio?.cashBalance.currency).toBe('CHF');
    expect(portfolio?.allocation.reduce((sum: number, slice: { weight: number }) => sum + slice.weight, 0)).toBeCloseTo(1, 10);
    const rule = entities.at(-1);
    expect(rule?.drift).toBeCloseTo(rule?.currentWeight - 0.05, 12);
    const goal = entities.at(-2);
    expect(goal?.progress).toBeGreaterThan(0);
    // currentValue is what progress divides by the target, in the goal's currency, rounded to 4 places.
    expect(goal?.currentValue.currency).toBe('USD');
    expect(goal?.currentValue.amount).toMatch(/^\d+(\.\d{1,4})?$/);
    expect(Number(goal?.currentValue.amount) / 1_000_000).toBeCloseTo(goal?.progress, 9);
  });

  it('answers null for every valuation field while a holding has no price', async () => {
    const holdings = [{ symbol: 'EURUSD', quantity: '1' }];
    const result = await run(ENTITIES, {
      r: [
        { __typename: 'Portfolio', id: 'p', baseCurrency: 'USD', holdings, cashBalances: [], allocationRules: [] },
        { __typename: 'Holding', id: 'h', symbol: 'EURUSD', quantity: '1', portfolio: { baseCurrency: 'USD', holdings } },
        { __typename: 'Goal', id: 'g', targetAmount: { amount: '10', currency: 'USD' }, portfolio: { baseCurrency: 'USD', holdings, cashBalances: [] } },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { id: 'p', cashBalance: { amount: '0', currency: 'USD' }, allocation: null, rebalancePlan: null },
      { id: 'h', weight: null },
      { id: 'g', progress: null, currentValue: null },
    ]);
  });
});

describe('FX tables within one request', () => {
  it('builds one table per set of currencies, in any order, from one FX statement, with the rates of a fresh build', async () => {
    const loaders = createLoaders({ sql: kit.pool.sql, now: () => now });
    statementCounter.reset();
    const [first, reordered, other] = await Promise.all([
      loadFxTable(loaders, ['EUR', 'GBP']),
      loadFxTable(loaders, ['GBP', 'EUR', 'USD', 'EUR']),
      loadFxTable(loaders, ['JPY']),
    ]);
    expect(reordered).toBe(first);
    expect(other).not.toBe(first);
    expect(statementCounter.count).toBe(1);
    expect(other.rate('JPY', 'USD').gt(0)).toBe(true);
  });

  it('reads each pair once per request: a later table of pairs already read costs no statement and converts as a fresh build', async () => {
    const loaders = createLoaders({ sql: kit.pool.sql, now: () => now });
    statementCounter.reset();
    const wide = await loadFxTable(loaders, ['EUR', 'GBP', 'JPY']);
    const narrow = await loadFxTable(loaders, ['GBP', 'EUR']); // a later tick, its pairs already read
    expect(statementCounter.count).toBe(1);
    const withChf = await loadFxTable(loaders, ['CHF', 'EUR']); // pairs with CHF are new: one statement more
    expect(statementCounter.count).toBe(2);
    const fresh = (set: string[]) => loadFxTable(createLoaders({ sql: kit.pool.sql, now: () => now }), set);
    const pairs: [string, string][] = [
      ['GBP', 'EUR'],
      ['EUR', 'USD'],
      ['USD', 'GBP'],
    ];
    const [freshNarrow, freshWide, freshChf] = await Promise.all([fresh(['GBP', 'EUR']), fresh(['EUR', 'GBP', 'JPY']), fresh(['CHF', 'EUR'])]);
    for (const [from, to] of pairs) expect(narrow.rate(from, to).toString()).toBe(freshNarrow.rate(from, to).toString());
    expect(wide.rate('JPY', 'GBP').toString()).toBe(freshWide.rate('JPY', 'GBP').toString());
    expect(withChf.rate('CHF', 'EUR').toString()).toBe(freshChf.rate('CHF', 'EUR').toString());
  });

  it('converts as a table of every latest quote that involves its currencies would, between each two of them', async () => {
    const currencies = ['USD', 'EUR', 'GBP', 'CHF', 'JPY'];
    const rows = await kit.pool.sql<{ base: string; quote: string; rate: string; time: Date | string }[]>`
      select distinct on (base, quote) base, quote, rate, time from market_data.currency_rates
      where (base = any(${currencies}::text[]) or quote = any(${currencies}::text[])) and time <= ${now.toISOString()}::timestamptz
      order by base, quote, time desc`;
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const reference = createFxTable(rows.map((row) => ({ ...row, time: new Date(row.time) })));
    for (const set of [['EUR'], ['EUR', 'GBP'], ['CHF', 'JPY', 'EUR'], currencies]) {
      const table = await loadFxTable(createLoaders({ sql: kit.pool.sql, now: () => now }), set);
      const members = [...new Set([...set, 'USD'])];
      for (const from of members)
        for (const to of members) {
          expect(table.rate(from, to).toFixed(), `${from}/${to}`).toBe(reference.rate(from, to).toFixed());
          expect(table.quote(from, to).time, `${from}/${to}`).toEqual(reference.quote(from, to).time);
        }
    }
  });
});

describe('instruments across requests', () => {
  it('answers later requests from the process cache, exactly as the database did, and asks again for a symbol it lacks', async () => {
    const instruments = createInstrumentCache();
    const symbols = [...SYMBOLS.slice(0, 6), 'NOPE'];
    statementCounter.reset();
    const first = await createLoaders({ sql: kit.pool.sql, instruments }).instrument.loadMany(symbols);
    expect(statementCounter.count).toBe(1);
    const uncached = await createLoaders({ sql: kit.pool.sql }).instrument.loadMany(symbols);
    statementCounter.reset();
    const again = await createLoaders({ sql: kit.pool.sql, instruments }).instrument.loadMany(symbols.slice(0, 6));
    expect(statementCounter.count).toBe(0);
    expect(again).toEqual(uncached.slice(0, 6));
    expect(first).toEqual(uncached);
    expect(first.at(-1)).toBeNull();
    // The unknown symbol was not remembered: it is asked for again (it may have been added).
    await createLoaders({ sql: kit.pool.sql, instruments }).instrument.load('NOPE');
    expect(statementCounter.count).toBe(1);
  });
});
