import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoMarketData } from '../src/services/seed-demo-market-data.ts';
import { ingestTicks, priceChannel, type PublishedTick } from '../src/services/ingest-ticks.ts';
import { asDate } from '../src/db/values.ts';
import { createMarketTestKit, nextMessage, type MarketTestKit } from './market-test-kit.ts';

let kit: MarketTestKit;
const endDate = new Date('2026-11-20T22:00:00Z');

beforeAll(async () => {
  kit = await createMarketTestKit();
});

afterAll(async () => {
  await kit?.close();
});

describe('stock_prices time series', () => {
  it('is a range-partitioned table on this server (no TimescaleDB) with monthly partitions created on demand', async () => {
    const { sql } = kit.pool;
    const [timescale] = await sql`select 1 from pg_available_extensions where name = 'timescaledb'`;
    const [partitioned] = await sql`
      select 1 from pg_partitioned_table p join pg_class c on c.oid = p.partrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'market_data' and c.relname = 'stock_prices'`;
    if (timescale) {
      const [hypertable] = await sql`select 1 from timescaledb_information.hypertables where hypertable_name = 'stock_prices'`;
      expect(hypertable).toBeDefined();
      return;
    }
    expect(partitioned).toBeDefined();
    const created = await sql<{ created: number }[]>`
      select market_data.ensure_stock_price_partitions('2031-01-15T00:00:00Z', '2031-03-02T00:00:00Z') as created`;
    expect(created[0]?.created).toBe(3);
    const again = await sql<{ created: number }[]>`
      select market_data.ensure_stock_price_partitions('2031-01-01T00:00:00Z', '2031-03-31T00:00:00Z') as created`;
    expect(again[0]?.created).toBe(0);
    const partitions = await sql<{ name: string }[]>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'market_data.stock_prices'::regclass and c.relname like 'stock_prices_y2031%' order by 1`;
    expect(partitions.map((row) => row.name)).toEqual(['stock_prices_y2031m01', 'stock_prices_y2031m02', 'stock_prices_y2031m03']);
  });

  it('stores a tick in a month that had no partition yet', async () => {
    const result = await ingestTicks({ ...kit.ingestDeps, now: () => new Date('2032-06-10T12:00:00Z') }, [
      { symbol: 'KO', price: '70.25', time: new Date('2032-06-10T11:00:00Z') },
    ]);
    expect(result).toEqual({ accepted: 1, rejected: [] });
    const [row] = await kit.pool.sql<{ partition: string }[]>`
      select tableoid::regclass::text as partition from market_data.stock_prices where symbol = 'KO' and time = '2032-06-10T11:00:00Z'`;
    expect(row?.partition).toMatch(/stock_prices_y2032m06$/);
  });

  it('creates partitions only for the months a batch touches, however far apart they are', async () => {
    const count = async () =>
      Number((await kit.pool.sql<{ n: string }[]>`select count(*)::text as n from pg_inherits where inhparent = 'market_data.stock_prices'::regclass`)[0]?.n);
    const before = await count();
    const result = await ingestTicks({ ...kit.ingestDeps, now: () => new Date('2032-06-10T12:00:00Z') }, [
      { symbol: 'KO', price: '1.25', time: new Date('1985-03-04T15:00:00Z') },
      { symbol: 'KO', price: '71.00', time: new Date('2032-06-10T11:30:00Z') },
    ]);
    expect(result.accepted).toBe(2);
    expect((await count()) - before).toBe(1); // 1985-03 only; 2032-06 existed
  });
});

describe('demo history', () => {
  it('seeds two years for the universe (index levels in market_indices), and again changes nothing', async () => {
    const first = await seedDemoMarketData(kit.pool.sql, { days: 730, endDate });
    expect(first.prices).toBeGreaterThan(30 * 730);
    const count = async () =>
      (
        await kit.pool.sql<
          { n: string }[]
        >`select ((select count(*) from market_data.stock_prices where time <= ${endDate.toISOString()}::timestamptz and time >= '2000-01-01')
                 + (select count(*) from market_data.market_indices where time <= ${endDate.toISOString()}::timestamptz))::text as n`
      )[0]?.n;
    const before = await count();
    await seedDemoMarketData(kit.pool.sql, { days: 730, endDate });
    expect(await count()).toBe(before);
    expect(before).toBe(String(first.prices));
  });

  it('fills latest prices with the last close and the close before it, and daily USD rates', async () => {
    const [latest] = await kit.pool.sql<{ time: Date | string; day: string; prev_close: string | null; price: string }[]>`
      select time, day::text as day, prev_close, price from market_data.latest_prices where symbol = 'AAPL'`;
    expect(latest && asDate(latest.time).toISOString()).toBe('2026-11-20T21:00:00.000Z');
    expect(latest?.day).toBe('2026-11-20');
    const [previous] = await kit.pool.sql<{ price: string }[]>`
      select price from market_data.stock_prices where symbol = 'AAPL' and time = '2026-11-19T21:00:00Z'`;
    expect(latest?.prev_close).toBe(previous?.price);
    expect(latest?.price).toMatch(/^\d+\.\d{2,4}$/);
    const rates = await kit.pool.sql<{ quote: string }[]>`select distinct quote from market_data.currency_rates where base = 'USD' order by 1`;
    expect(rates.map((row) => row.quote)).toEqual(['CHF', 'EUR', 'GBP', 'JPY']);
  });
});

describe('ingest', () => {
  const now = new Date('2026-11-21T15:00:00Z');
  const deps = () => ({ ...kit.ingestDeps, now: () => now });

  it('stores a tick, updates the latest price, then publishes it on prices:<SYMBOL>', async () => {
    const { ready, message } = nextMessage(kit.bus, priceChannel('MSFT'));
    await ready;
    const result = await ingestTicks(deps(), [{ symbol: 'msft', price: '420.1250', time: new Date('2026-11-21T14:30:00Z'), volume: '300' }]);
    expect(result).toEqual({ accepted: 1, rejected: [] });
    const published = JSON.parse(await message) as PublishedTick;
    expect(published).toMatchObject({ symbol: 'MSFT', price: '420.125', time: '2026-11-21T14:30:00.000Z', volume: '300' });
    expect(typeof published.changePercent).toBe('number');
    const [stored] = await kit.pool.sql`select price from market_data.stock_prices where symbol = 'MSFT' and time = '2026-11-21T14:30:00Z'`;
    expect(stored?.price).toBe('420.125');
    const [latest] = await kit.pool.sql<{ price: string; day: string; open: string; volume: string }[]>`
      select price, day::text as day, open, volume from market_data.latest_prices where symbol = 'MSFT'`;
    expect(latest).toEqual({ price: '420.125', day: '2026-11-21', open: '420.125', volume: '300' });
  });

  it('rejects an unknown symbol, a non-positive price and a future time per tick, and stores the others', async () => {
    const result = await ingestTicks(deps(), [
      { symbol: 'ZZZZ', price: '1', time: now },
      { symbol: 'NVDA', price: '0', time: now },
      { symbol: 'NVDA', price: '130.5', time: new Date(now.getTime() + 60_000) },
      { symbol: 'NVDA', price: '130.5', time: new Date('2026-11-21T14:00:00Z') },
      { symbol: 'EURUSD', price: '1.08', time: now },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, 'Unknown symbol ZZZZ'],
      [1, 'Price must be positive'],
      [2, 'Time is in the future'],
      [4, 'EURUSD is a currency pair; FX rates are not ingested as ticks'],
    ]);
  });

  it('treats a repeated (symbol, time) as accepted without storing or counting it twice', async () => {
    const tick = { symbol: 'TSLA', price: '250', time: new Date('2026-11-21T14:45:00Z'), volume: '5' };
    expect((await ingestTicks(deps(), [tick, tick])).accepted).toBe(2);
    expect((await ingestTicks(deps(), [{ ...tick, price: '999' }])).accepted).toBe(1);
    const rows = await kit.pool.sql`select price from market_data.stock_prices where symbol = 'TSLA' and time = '2026-11-21T14:45:00Z'`;
    expect(rows.map((row) => row.price)).toEqual(['250']);
    const [latest] = await kit.pool.sql`select price, volume from market_data.latest_prices where symbol = 'TSLA'`;
    expect(latest).toEqual({ price: '250', volume: '5' });
  });

  it('stores nothing of a batch whose write fails, and the next batch of the same symbols goes through', async () => {
    // A partition this process wrongly believes exists: the insert fails inside the transaction.
    const partitions = new Set(kit.ingestDeps.storage.partitions).add('stock_prices:2019-03');
    const broken = { ...deps(), storage: { ...kit.ingestDeps.storage, partitions } };
    const batch = [
      { symbol: 'KO', price: '60', time: new Date('2026-11-21T14:50:00Z'), volume: '1' },
      { symbol: 'KO', price: '59', time: new Date('2019-03-04T14:00:00Z'), volume: '1' },
    ];
    const latestKo = () => kit.pool.sql`select price::text, revision::text from market_data.latest_prices where symbol = 'KO'`;
    const stored = () =>
      kit.pool
        .sql`select time from market_data.stock_prices where symbol = 'KO' and time = any(${batch.map((tick) => tick.time.toISOString())}::text[]::timestamptz[])`;
    const before = await latestKo();
    await expect(ingestTicks(broken, batch)).rejects.toThrow();
    expect(await stored()).toHaveLength(0);
    expect(await latestKo()).toEqual(before);
    expect(await ingestTicks(deps(), batch)).toEqual({ accepted: 2, rejected: [] });
    expect(await stored()).toHaveLength(2);
  });

  it('answers 0 for no ticks and BAD_USER_INPUT above 5000', async () => {
    expect(await ingestTicks(deps(), [])).toEqual({ accepted: 0, rejected: [] });
    const many = Array.from({ length: 5001 }, () => ({ symbol: 'AAPL', price: '1', time: now }));
    await expect(ingestTicks(deps(), many)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
