import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCandles } from '../src/db/candles.ts';
import { ingestTicks } from '../src/services/ingest-ticks.ts';
import { applyTickRetention } from '../src/services/tick-retention.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

let kit: MarketTestKit;
const now = new Date('2026-11-21T15:00:00Z');

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
});

afterAll(async () => {
  await kit?.close();
});

const partitions = async () =>
  (
    await kit.pool.sql<{ name: string }[]>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent in ('market_data.stock_prices'::regclass, 'market_data.market_indices'::regclass) order by 1`
  ).map((row) => row.name);

describe('raw-tick retention', () => {
  it('drops whole partitions older than the retention, keeps younger ones and every candle', async () => {
    await ingestTicks(kit.ingestDeps, [
      { symbol: 'AAPL', price: '150', time: new Date('2026-07-10T14:00:00Z'), volume: '10' },
      { symbol: 'AAPL', price: '155', time: new Date('2026-08-31T23:59:00Z'), volume: '20' },
      { symbol: 'SPX', price: '5400', time: new Date('2026-08-05T20:00:00Z') },
      { symbol: 'AAPL', price: '160', time: new Date('2026-09-15T14:00:00Z'), volume: '30' },
      { symbol: 'AAPL', price: '170', time: new Date('2026-11-20T14:00:00Z'), volume: '40' },
    ]);
    expect(await partitions()).toEqual(
      expect.arrayContaining(['stock_prices_y2026m07', 'stock_prices_y2026m08', 'stock_prices_y2026m09', 'market_indices_y2026m08']),
    );
    const daily = async () =>
      (await listCandles(kit.pool.sql, 'AAPL', 'ONE_DAY', new Date('2026-07-01T00:00:00Z'), now)).map((c) => [c.time.toISOString(), c.close, c.volume]);
    const candlesBefore = await daily();

    // 80 days before now is 2026-09-02: July and August end before it, September does not.
    const dropped = await applyTickRetention({
      sql: kit.pool.sql,
      mode: 'partitioned',
      retentionDays: 80,
      partitions: kit.ingestDeps.storage.partitions,
      now: () => now,
    });
    expect(dropped.sort()).toEqual(['market_data.market_indices_y2026m08', 'market_data.stock_prices_y2026m07', 'market_data.stock_prices_y2026m08']);
    const left = await partitions();
    expect(left).not.toContain('stock_prices_y2026m07');
    expect(left).toContain('stock_prices_y2026m09');
    expect(await kit.pool.sql`select 1 from market_data.stock_prices where symbol = 'AAPL' and time < '2026-09-01'`).toHaveLength(0);
    expect(await kit.pool.sql`select 1 from market_data.stock_prices where symbol = 'AAPL'`).toHaveLength(2);

    expect(await daily()).toEqual(candlesBefore);
    expect(candlesBefore).toHaveLength(4);
    expect(await applyTickRetention({ sql: kit.pool.sql, mode: 'partitioned', retentionDays: 80, now: () => now })).toEqual([]);
  });

  it('refuses ticks older than the retention, so a dropped tick can never be counted twice in a candle', async () => {
    const deps = { ...kit.ingestDeps, retentionDays: 80 };
    const result = await ingestTicks(deps, [
      { symbol: 'AAPL', price: '155', time: new Date('2026-08-31T23:59:00Z'), volume: '20' },
      { symbol: 'AAPL', price: '171', time: new Date('2026-11-20T15:00:00Z'), volume: '1' },
    ]);
    expect(result).toEqual({ accepted: 1, rejected: [{ index: 0, symbol: 'AAPL', reason: 'Time is older than the raw-tick retention period' }] });
    const [august] = await listCandles(kit.pool.sql, 'AAPL', 'ONE_DAY', new Date('2026-08-31T00:00:00Z'), new Date('2026-09-01T00:00:00Z'));
    expect(august?.volume).toBe('20');
    expect(await partitions()).not.toContain('stock_prices_y2026m08');
  });

  it('keeps everything when retention is off', async () => {
    expect(await applyTickRetention({ sql: kit.pool.sql, mode: 'partitioned', retentionDays: null, now: () => new Date('2040-01-01T00:00:00Z') })).toEqual([]);
  });
});
