import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createBus, type Bus } from '@nexanest/bus';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';
import { latestPriceKey, MARKET_REDIS_DB } from '../src/cache/latest-price-cache.ts';
import { createPartitionCache } from '../src/db/partitions.ts';
import { marketEnvSchema, startMarketService, type MarketServiceHandle } from '../src/index.ts';
import { ingestTicks } from '../src/services/ingest-ticks.ts';
import { prepareMarketDatabase } from '../src/start.ts';

// What the service does by itself at start: drop expired raw-tick partitions, and bring the
// Redis copy of latest prices up to the database.

const namespace = uniqueName('market_maintenance');
const DAY = 86_400_000;
let database: TestDatabase;
let pool: Pool;
let bus: Bus;
let redis: Redis;
let service: MarketServiceHandle | undefined;
const old = new Date(Date.now() - 200 * DAY);
const recent = new Date(Date.now() - DAY);
const monthOf = (time: Date) => `stock_prices_y${time.toISOString().slice(0, 4)}m${time.toISOString().slice(5, 7)}`;

beforeAll(async () => {
  database = await createTestDatabase('market');
  pool = createPool<Record<string, never>>({ url: database.url, max: 2, applicationName: 'maintenance-test' });
  bus = createBus({ redisUrl: testRedisUrl(), namespace });
  redis = new Redis(testRedisUrl(), { db: MARKET_REDIS_DB });
  await prepareMarketDatabase(pool);
  // History from before any retention was configured.
  const deps = { sql: pool.sql, bus, storage: { mode: 'partitioned' as const, partitions: createPartitionCache() } };
  await ingestTicks(deps, [
    { symbol: 'AAPL', price: '150', time: old, volume: '1' },
    { symbol: 'AAPL', price: '190.25', time: recent, volume: '2' },
  ]);
  // A copy left in Redis by an older database: a lower revision than anything written now.
  await redis.set(latestPriceKey(namespace, 'AAPL'), JSON.stringify({ symbol: 'AAPL', price: '1', revision: 1 }));
});

afterAll(async () => {
  await service?.close();
  redis?.disconnect();
  await bus?.close();
  await pool?.close();
  await database?.drop();
  await dropRedisNamespace(namespace);
});

describe('market service at start', () => {
  it('drops raw-tick partitions older than MARKET_TICK_RETENTION_DAYS and refreshes the latest-price cache', async () => {
    const partitions = async () =>
      (
        await pool.sql<
          { name: string }[]
        >`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'market_data.stock_prices'::regclass`
      ).map((row) => row.name);
    expect(await partitions()).toContain(monthOf(old));
    const env = marketEnvSchema.parse({
      TIMESCALE_DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      NEXANEST_NAMESPACE: namespace,
      MARKET_SIMULATOR: 'off',
      MARKET_TICK_RETENTION_DAYS: '30',
      LOG_LEVEL: 'silent',
    });
    service = await startMarketService({ env, logger: createLogger('market-test', 'silent'), bus, port: 0 });
    expect(await partitions()).not.toContain(monthOf(old));
    expect(await partitions()).toContain(monthOf(recent));
    const [daily] =
      await pool.sql`select volume from market_data.candles_1d where symbol = 'AAPL' and bucket = ${new Date(Math.floor(old.getTime() / DAY) * DAY).toISOString()}::timestamptz`;
    expect(daily?.volume).toBe('1');
    expect(JSON.parse((await redis.get(latestPriceKey(namespace, 'AAPL'))) ?? '{}')).toMatchObject({ price: '190.25', time: recent.toISOString() });
  });

  it('refuses settings that would let retention reach TimescaleDB refresh windows', () => {
    expect(() => marketEnvSchema.parse({ MARKET_TICK_RETENTION_DAYS: '5' })).toThrow(/at least 8/);
    expect(marketEnvSchema.parse({}).MARKET_TICK_RETENTION_DAYS).toBe(0);
  });
});
