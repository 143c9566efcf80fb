import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createRequire } from 'node:module';
import type { ExecutionResult } from 'graphql';
import { statementCounter } from '@nexanest/db';
import type { Identity } from '@nexanest/graphql';
import { createContextFactory } from '../src/context.ts';
import { createMarketServer } from '../src/server.ts';
import { seedDemoMarketData } from '../src/services/seed-demo-market-data.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

// @apollo/subgraph builds the schema with graphql's CommonJS build; use the same one here
// (an ESM import under vitest would load graphql a second time).
const { parse, subscribe } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const now = new Date('2026-11-21T00:00:00Z');
let kit: MarketTestKit;
let server: ReturnType<typeof createMarketServer>;

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
  await seedDemoMarketData(kit.pool.sql, { days: 40, endDate: new Date('2026-11-20T22:00:00Z') });
  server = createMarketServer(kit.deps);
  await server.apollo.start();
});

afterAll(async () => {
  await server?.apollo.stop();
  await kit?.close();
});

type Result = { data?: Record<string, any> | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };

async function run(query: string, variables: Record<string, unknown> = {}, identity: Identity | null = null): Promise<Result> {
  const response = await server.apollo.executeOperation({ query, variables }, { contextValue: createContextFactory(kit.deps)(identity) });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as Result;
}

const one = async <T>(query: string, params: unknown[] = []) => (await kit.pool.sql.unsafe(query, params as string[]))[0] as T;

describe('instruments', () => {
  it('answers an instrument by symbol in any case, with its latest price and daily candles', async () => {
    const result = await run(
      `query($symbol: ID!, $from: DateTime!, $to: DateTime!) { instrument(symbol: $symbol) {
         symbol name exchange assetClass sector country currency
         latestPrice { price time open high low volume change changePercent }
         candles(interval: ONE_DAY, from: $from, to: $to) { time open high low close volume } } }`,
      { symbol: 'aapl', from: '2026-11-10T00:00:00Z', to: '2026-11-21T00:00:00Z' },
    );
    expect(result.errors).toBeUndefined();
    const instrument = result.data?.instrument;
    expect(instrument).toMatchObject({ symbol: 'AAPL', exchange: 'NASDAQ', assetClass: 'STOCK', country: 'US', currency: 'USD' });
    const latest = await one<{ price: string; prev_close: string }>(`select price, prev_close from market_data.latest_prices where symbol = 'AAPL'`);
    const change = new Decimal(latest.price).sub(latest.prev_close);
    expect(instrument.latestPrice).toMatchObject({ price: new Decimal(latest.price).toFixed(), time: '2026-11-20T21:00:00.000Z', change: change.toFixed() });
    expect(instrument.latestPrice.changePercent).toBeCloseTo(change.div(latest.prev_close).mul(100).toNumber(), 8);
    expect(instrument.candles).toHaveLength(11);
    expect(instrument.candles[0]).toMatchObject({ time: '2026-11-10T00:00:00.000Z' });
    expect(instrument.candles[10].close).toBe(instrument.latestPrice.price);
  });

  it('answers null for a symbol outside the universe', async () => {
    expect((await run(`{ instrument(symbol: "NOPE") { symbol } }`)).data?.instrument).toBeNull();
  });

  it('answers BAD_USER_INPUT for an inverted range or too many candles', async () => {
    const query = `query($i: CandleInterval!, $from: DateTime!, $to: DateTime!) { instrument(symbol: "AAPL") { candles(interval: $i, from: $from, to: $to) { time } } }`;
    const inverted = await run(query, { i: 'ONE_DAY', from: '2026-11-20T00:00:00Z', to: '2026-11-01T00:00:00Z' });
    expect(inverted.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await run(query, { i: 'ONE_MINUTE', from: '2026-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z' });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves Instrument references for the gateway', async () => {
    const result = await run(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Instrument { symbol currency } } }`, {
      r: [
        { __typename: 'Instrument', symbol: 'SAP' },
        { __typename: 'Instrument', symbol: 'NOPE' },
      ],
    });
    expect(result.data?._entities).toEqual([{ symbol: 'SAP', currency: 'EUR' }, null]);
  });
});

describe('search, indices and FX', () => {
  it('finds instruments by symbol or name, exact symbol first', async () => {
    const result = await run(`{ searchInstruments(query: "sap", first: 10) { symbol name exchange assetClass } }`);
    expect(result.data?.searchInstruments[0]).toEqual({ symbol: 'SAP', name: 'SAP SE', exchange: 'XETRA', assetClass: 'STOCK' });
    const byName = await run(`{ searchInstruments(query: "micro") { symbol } }`);
    expect(byName.data?.searchInstruments).toEqual([{ symbol: 'MSFT' }]);
  });

  it('refuses a search text longer than 100 characters with BAD_USER_INPUT', async () => {
    const result = await run(`{ searchInstruments(query: "${'%'.repeat(101)}") { symbol } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.data).toBeNull();
  });

  it('lists indices with their latest level and move', async () => {
    const result = await run(`{ marketIndices { symbol name value change changePercent time } }`);
    const spx = result.data?.marketIndices.find((index: { symbol: string }) => index.symbol === 'SPX');
    const level = await one<{ price: string; prev_close: string }>(`select price, prev_close from market_data.latest_prices where symbol = 'SPX'`);
    expect(spx).toMatchObject({
      name: 'S&P 500 Index',
      value: new Decimal(level.price).toFixed(),
      change: new Decimal(level.price).sub(level.prev_close).toFixed(),
      time: '2026-11-20T21:00:00.000Z',
    });
  });

  it('answers a direct, an inverse and a cross rate, and NOT_FOUND for an unknown currency', async () => {
    const query = `query($b: String!, $q: String!) { fxRate(base: $b, quote: $q) { base quote rate time } }`;
    const usdEur = (await run(query, { b: 'USD', q: 'EUR' })).data?.fxRate;
    expect(usdEur).toMatchObject({ base: 'USD', quote: 'EUR', time: '2026-11-20T21:00:00.000Z' });
    const eurUsd = (await run(query, { b: 'eur', q: 'usd' })).data?.fxRate;
    expect(eurUsd.rate).toBe(new Decimal(1).div(usdEur.rate).toSignificantDigits(20).toFixed());
    const eurJpy = (await run(query, { b: 'EUR', q: 'JPY' })).data?.fxRate;
    expect(new Decimal(eurJpy.rate).gt(100)).toBe(true);
    expect((await run(query, { b: 'EUR', q: 'XYZ' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('valuation entities', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Holding { id marketValue { amount currency } unrealizedGain { amount currency } }
    ... on Portfolio { id totalValue { amount currency } } } }`;
  const price = async (symbol: string) => (await one<{ price: string }>(`select price from market_data.latest_prices where symbol = $1`, [symbol])).price;
  const usdTo = async (quote: string) =>
    (
      await one<{ rate: string }>(`select rate from market_data.currency_rates where base = 'USD' and quote = $1 and time <= $2 order by time desc limit 1`, [
        quote,
        now.toISOString(),
      ])
    ).rate;
  const round = (value: Decimal) => value.toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN).toFixed();

  it('values a USD holding in EUR at the latest price and FX rate', async () => {
    const result = await run(entities, {
      r: [
        {
          __typename: 'Holding',
          id: 'h1',
          symbol: 'AAPL',
          quantity: '10.5',
          costBasis: { amount: '1500', currency: 'USD' },
          portfolio: { baseCurrency: 'EUR' },
        },
      ],
    });
    expect(result.errors).toBeUndefined();
    const [aapl, eur] = [await price('AAPL'), await usdTo('EUR')];
    expect(result.data?._entities[0]).toEqual({
      id: 'h1',
      marketValue: { amount: round(new Decimal('10.5').mul(aapl).mul(eur)), currency: 'EUR' },
      unrealizedGain: { amount: round(new Decimal('10.5').mul(aapl).sub('1500').mul(eur)), currency: 'EUR' },
    });
  });

  it('answers null for a holding without any price', async () => {
    const result = await run(entities, {
      r: [
        { __typename: 'Holding', id: 'h2', symbol: 'EURUSD', quantity: '1', costBasis: { amount: '1', currency: 'USD' }, portfolio: { baseCurrency: 'USD' } },
      ],
    });
    expect(result.data?._entities[0]).toEqual({ id: 'h2', marketValue: null, unrealizedGain: null });
  });

  it('totals holdings and cash in the base currency, null while a holding has no price', async () => {
    const portfolio = {
      __typename: 'Portfolio',
      id: 'p1',
      baseCurrency: 'EUR',
      holdings: [
        { symbol: 'AAPL', quantity: '2' },
        { symbol: 'SAP', quantity: '3' },
      ],
      cashBalances: [
        { amount: '100', currency: 'USD' },
        { amount: '50', currency: 'EUR' },
      ],
    };
    const result = await run(entities, { r: [portfolio, { ...portfolio, id: 'p2', holdings: [{ symbol: 'EURUSD', quantity: '1' }] }] });
    expect(result.errors).toBeUndefined();
    const [aapl, sap, eur] = [await price('AAPL'), await price('SAP'), await usdTo('EUR')];
    const expected = new Decimal(2).mul(aapl).add(100).mul(eur).add(new Decimal(3).mul(sap)).add(50);
    expect(result.data?._entities).toEqual([
      { id: 'p1', totalValue: { amount: round(expected), currency: 'EUR' } },
      { id: 'p2', totalValue: null },
    ]);
  });

  it('answers NOT_FOUND when no FX rate reaches the base currency', async () => {
    const result = await run(entities, {
      r: [{ __typename: 'Holding', id: 'h3', symbol: 'AAPL', quantity: '1', costBasis: { amount: '1', currency: 'USD' }, portfolio: { baseCurrency: 'XYZ' } }],
    });
    expect(result.errors?.[0]).toMatchObject({ message: 'No FX rate for USD/XYZ', extensions: { code: 'NOT_FOUND' } });
  });

  it('values 60 holdings with a constant number of SQL statements', async () => {
    const symbols = ['AAPL', 'MSFT', 'SAP', 'ASML', 'SHEL', 'NESN', '7203', 'SPY', 'QQQ', 'AGG', 'JPM', 'TSLA'];
    const holdings = Array.from({ length: 60 }, (_, index) => ({
      __typename: 'Holding',
      id: `h${index}`,
      symbol: symbols[index % symbols.length],
      quantity: '1',
      costBasis: { amount: '10', currency: 'USD' },
      portfolio: { baseCurrency: 'CHF' },
    }));
    statementCounter.reset();
    const result = await run(entities, { r: holdings });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.every((h: { marketValue: unknown }) => h.marketValue !== null)).toBe(true);
    expect(statementCounter.count).toBeLessThanOrEqual(3);
  });
});

describe('ingestPrices', () => {
  const mutation = `mutation($t: [PriceTickInput!]!) { ingestPrices(ticks: $t) { accepted rejected { index symbol reason } } }`;
  const ticks = [
    { symbol: 'JPM', price: '210.55', time: '2026-11-20T23:00:00Z', volume: '100' },
    { symbol: 'BAD', price: '1', time: '2026-11-20T23:00:00Z' },
  ];

  it('answers UNAUTHENTICATED without an identity and FORBIDDEN for a plain user', async () => {
    expect((await run(mutation, { t: ticks })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await run(mutation, { t: ticks }, { userId: 'u1', role: 'USER' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('stores ticks for an admin or a market:write key and reports each rejected tick', async () => {
    const admin = await run(mutation, { t: ticks }, { userId: 'a1', role: 'ADMIN' });
    expect(admin.data?.ingestPrices).toEqual({ accepted: 1, rejected: [{ index: 1, symbol: 'BAD', reason: 'Unknown symbol BAD' }] });
    const feed = await run(mutation, { t: ticks.slice(0, 1) }, { userId: 'k1', role: 'USER', scopes: ['market:write'] });
    expect(feed.data?.ingestPrices).toEqual({ accepted: 1, rejected: [] });
    const stored = await one<{ price: string }>(`select price from market_data.stock_prices where symbol = 'JPM' and time = '2026-11-20T23:00:00Z'`);
    expect(stored.price).toBe('210.55');
  });
});

describe('priceTicks subscription', () => {
  const document = parse(
    `subscription($s: [ID!]!) { priceTicks(symbols: $s) { symbol price time volume changePercent instrument { name latestPrice { price } } } }`,
  );
  const start = (symbols: string[]) =>
    subscribe({ schema: server.schema, document, variableValues: { s: symbols }, contextValue: createContextFactory(kit.deps)(null) });

  it('answers BAD_USER_INPUT for an unknown symbol', async () => {
    const result = (await start(['AAPL', 'NOPE'])) as ExecutionResult;
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('delivers ticks after they are stored, with fresh instrument data per event', async () => {
    const stream = (await start(['googl'])) as AsyncGenerator<ExecutionResult>;
    await new Promise((resolve) => setTimeout(resolve, 150));
    await kit.deps.ingest([{ symbol: 'GOOGL', price: '170.25', time: new Date('2026-11-20T23:30:00Z') }]);
    const first = await stream.next();
    expect(first.value.data.priceTicks).toMatchObject({
      symbol: 'GOOGL',
      price: '170.25',
      time: '2026-11-20T23:30:00.000Z',
      volume: null,
      instrument: { name: 'Alphabet Inc. Class A', latestPrice: { price: '170.25' } },
    });
    await kit.deps.ingest([{ symbol: 'GOOGL', price: '171', time: new Date('2026-11-20T23:31:00Z') }]);
    const second = await stream.next();
    expect(second.value.data.priceTicks.instrument.latestPrice.price).toBe('171');
    await stream.return?.(undefined);
  });
});
