import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoMarketData } from '../src/services/seed-demo-market-data.ts';
import { listReferenceInstruments } from '../src/reference-data.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

// npm start seeds the demo history on every start: a start on a seeded database must cost a
// coverage check, not a re-seed, and a start days later must add only the days since.
let kit: MarketTestKit;
const DAY_MS = 86_400_000;
const endDate = new Date('2026-11-20T22:00:00Z');
const series = listReferenceInstruments().filter((i) => i.assetClass !== 'CURRENCY' && i.demoPrice).length;
const FX_QUOTES = 4;

const storedPrices = async () =>
  Number(
    (
      await kit.pool.sql<{ n: string }[]>`
        select ((select count(*) from market_data.stock_prices) + (select count(*) from market_data.market_indices))::text as n`
    )[0]?.n,
  );
const storedRates = async () => Number((await kit.pool.sql<{ n: string }[]>`select count(*)::text as n from market_data.currency_rates`)[0]?.n);
const closes = (symbol: string) =>
  kit.pool.sql<{ day: string; price: string }[]>`
    select (time at time zone 'UTC')::date::text as day, price::text as price from market_data.stock_prices where symbol = ${symbol} order by time`;

beforeAll(async () => {
  kit = await createMarketTestKit();
});

afterAll(async () => {
  await kit?.close();
});

describe('demo history on a seeded database', () => {
  it('seeds the whole history into an empty database', async () => {
    const result = await seedDemoMarketData(kit.pool.sql, { days: 30, endDate });
    expect(result).toEqual({ kind: 'full', prices: series * 30, rates: FX_QUOTES * 30 });
    expect(await storedPrices()).toBe(series * 30);
  });

  it('adds nothing on a second start the same day', async () => {
    const result = await seedDemoMarketData(kit.pool.sql, { days: 30, endDate: new Date(endDate.getTime() + 60_000) });
    expect(result).toEqual({ kind: 'none', prices: 0, rates: 0 });
    expect(await storedPrices()).toBe(series * 30);
    expect(await storedRates()).toBe(FX_QUOTES * 30);
  });

  it('adds only the days since the last stored one, walking on from its price, and makes the last one latest', async () => {
    const before = await closes('AAPL');
    const later = new Date(endDate.getTime() + 3 * DAY_MS);
    const result = await seedDemoMarketData(kit.pool.sql, { days: 30, endDate: later });
    expect(result).toEqual({ kind: 'top-up', prices: series * 3, rates: FX_QUOTES * 3 });
    expect(await storedPrices()).toBe(series * 33);
    const after = await closes('AAPL');
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((row) => row.day)).toEqual(['2026-11-21', '2026-11-22', '2026-11-23']);
    // One daily step from the last stored close, not a restart of the walk.
    const ratio = Number(after[before.length]?.price) / Number(before.at(-1)?.price);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
    const [latest] = await kit.pool.sql<{ day: string; price: string }[]>`
      select day::text as day, price::text as price from market_data.latest_prices where symbol = 'AAPL'`;
    expect(latest).toEqual({ day: '2026-11-23', price: after.at(-1)?.price });
  });

  it('seeds the missing older days when asked for a longer history than is stored', async () => {
    const later = new Date(endDate.getTime() + 3 * DAY_MS);
    const result = await seedDemoMarketData(kit.pool.sql, { days: 40, endDate: later });
    expect(result.kind).toBe('full');
    expect(await storedPrices()).toBe(series * 40);
    expect(await seedDemoMarketData(kit.pool.sql, { days: 40, endDate: later })).toEqual({ kind: 'none', prices: 0, rates: 0 });
  });
});
