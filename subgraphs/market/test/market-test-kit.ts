import { createBus, type Bus } from '@nexanest/bus';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, testRedisUrl, uniqueName, type TestDatabase, dropRedisNamespace } from '@nexanest/testing';
import { createPartitionCache } from '../src/db/partitions.ts';
import { detectTimeSeriesMode } from '../src/db/time-series-mode.ts';
import { createLatestPriceCache, type LatestPriceCache } from '../src/cache/latest-price-cache.ts';
import { prepareMarketDatabase } from '../src/start.ts';
import { createIngest, type IngestDeps } from '../src/services/ingest-ticks.ts';
import type { MarketDeps } from '../src/context.ts';

/** A migrated market database of its own, a Redis bus with its own namespace, and the deps wired to them. */
export interface MarketTestKit {
  database: TestDatabase;
  pool: Pool;
  bus: Bus;
  ingestDeps: IngestDeps;
  deps: MarketDeps;
  namespace: string;
  latestPriceCache: LatestPriceCache;
  close(): Promise<void>;
}

export async function createMarketTestKit(options: { now?: () => Date } = {}): Promise<MarketTestKit> {
  const database = await createTestDatabase('market');
  const pool = createPool<Record<string, never>>({ url: database.url, max: 5, applicationName: 'market-test' });
  await prepareMarketDatabase(pool);
  const namespace = uniqueName('market_test');
  const bus = createBus({ redisUrl: testRedisUrl(), namespace });
  const latestPriceCache = createLatestPriceCache({ redisUrl: testRedisUrl(), namespace });
  const storage = { mode: await detectTimeSeriesMode(pool.sql), partitions: createPartitionCache() };
  const ingestDeps: IngestDeps = { sql: pool.sql, bus, storage, latestPriceCache, ...(options.now ? { now: options.now } : {}) };
  const deps: MarketDeps = {
    sql: pool.sql,
    bus,
    logger: createLogger('market-test', 'silent'),
    production: false,
    ingest: createIngest(ingestDeps),
    latestPriceCache,
    ...(options.now ? { now: options.now } : {}),
  };
  return {
    database,
    pool,
    bus,
    ingestDeps,
    deps,
    namespace,
    latestPriceCache,
    async close() {
      await latestPriceCache.close();
      await bus.close();
      await pool.close();
      await database.drop();
      await dropRedisNamespace(namespace);
    },
  };
}

/** Resolves with the first message on `channel` (the bus namespaces it), or rejects after `ms`. */
export function nextMessage(bus: Bus, channel: string, ms = 3000): { ready: Promise<void>; message: Promise<string> } {
  let unsubscribe = () => {};
  const message = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no message on ${channel} within ${ms} ms`));
    }, ms);
    unsubscribe = bus.subscribe(channel, (received) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(received);
    });
  });
  // Redis SUBSCRIBE is asynchronous: give it a moment before publishing.
  return { ready: new Promise((resolve) => setTimeout(resolve, 150)), message };
}
