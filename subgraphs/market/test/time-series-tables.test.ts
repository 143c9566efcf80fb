import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartitionCache, ensureMonthlyPartitions } from '../src/db/partitions.ts';
import { listIndexLevels } from '../src/db/market-indices.ts';
import { ingestTicks } from '../src/services/ingest-ticks.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

let kit: MarketTestKit;
const now = new Date('2026-11-21T15:00:00Z');

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
});

afterAll(async () => {
  await kit?.close();
});

const partitionsOf = async (table: string) =>
  (
    await kit.pool.sql<{ name: string }[]>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = ${`market_data.${table}`}::regclass order by 1`
  ).map((row) => row.name);

describe('market_indices and currency_rates time series', () => {
  it('are range-partitioned tables on this server (no TimescaleDB), keyed like their data', async () => {
    const rows = await kit.pool.sql<{ name: string; strategy: string }[]>`
      select c.relname as name, p.partstrat as strategy from pg_partitioned_table p join pg_class c on c.oid = p.partrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'market_data' order by 1`;
    expect(rows).toEqual([
      { name: 'currency_rates', strategy: 'r' },
      { name: 'market_indices', strategy: 'r' },
      { name: 'stock_prices', strategy: 'r' },
    ]);
  });

  it('stores an index level in market_indices (not stock_prices), creating its month on demand', async () => {
    expect(await partitionsOf('market_indices')).not.toContain('market_indices_y2026m11');
    const result = await ingestTicks(kit.ingestDeps, [
      { symbol: 'SPX', price: '5901.25', time: new Date('2026-11-20T21:00:00Z') },
      { symbol: 'SPX', price: '5950.50', time: new Date('2026-11-21T14:00:00Z') },
    ]);
    expect(result).toEqual({ accepted: 2, rejected: [] });
    expect(await partitionsOf('market_indices')).toContain('market_indices_y2026m11');
    const stored = await kit.pool.sql`select value from market_data.market_indices where symbol = 'SPX' order by time`;
    expect(stored.map((row) => row.value)).toEqual(['5901.25', '5950.5']);
    expect(await kit.pool.sql`select 1 from market_data.stock_prices where symbol = 'SPX'`).toHaveLength(0);
  });

  it('answers index levels from market_indices with the previous close from the daily candles', async () => {
    const spx = (await listIndexLevels(kit.pool.sql)).find((level) => level.symbol === 'SPX');
    expect(spx).toMatchObject({ symbol: 'SPX', value: '5950.5', prevClose: '5901.25' });
    expect(spx?.time.toISOString()).toBe('2026-11-21T14:00:00.000Z');
  });

  it('creates currency_rates partitions per month on demand, idempotently', async () => {
    const cache = createPartitionCache();
    const times = [new Date('2030-01-15T00:00:00Z'), new Date('2030-03-02T00:00:00Z')];
    await kit.pool.sql.begin((tx) => ensureMonthlyPartitions(tx, cache, 'currency_rates', times));
    await kit.pool.sql.begin((tx) => ensureMonthlyPartitions(tx, createPartitionCache(), 'currency_rates', times));
    expect((await partitionsOf('currency_rates')).filter((name) => name.includes('y2030'))).toEqual(['currency_rates_y2030m01', 'currency_rates_y2030m03']);
    await kit.pool.sql`insert into market_data.currency_rates (base, quote, time, rate) values ('USD', 'EUR', '2030-01-15T00:00:00Z', '0.91')`;
    const [row] = await kit.pool.sql`select tableoid::regclass::text as partition from market_data.currency_rates where time = '2030-01-15T00:00:00Z'`;
    expect(row?.partition).toMatch(/currency_rates_y2030m01$/);
  });
});
