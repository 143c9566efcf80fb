import { type Bus, probeRedis, redisTarget } from '@nexanest/bus';
import { createPool, migrateDatabase, type Pool } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { listen, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { mountFxHistoryRoute } from './internal/fx-history-route.ts';
import { fileURLToPath } from 'node:url';
import { createContextFactory } from './context.ts';
import { createPartitionCache } from './db/partitions.ts';
import { detectTimeSeriesMode } from './db/time-series-mode.ts';
import { refreshHistoricalCandles } from './db/continuous-aggregates.ts';
import { createLatestPriceCache, type LatestPriceCache } from './cache/latest-price-cache.ts';
import { readLatestPrices } from './loaders.ts';
import { startTickRetention } from './services/tick-retention.ts';
import type { MarketEnv } from './env.ts';
import { createSimulator, type Simulator } from './feeds/simulator.ts';
import { listReferenceInstruments, loadReferenceInstruments } from './reference-data.ts';
import { createMarketServer } from './server.ts';
import { createIngest, type Ingest } from './services/ingest-ticks.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface MarketServiceOptions {
  env: MarketEnv;
  logger: Logger;
  bus: Bus;
  /** Overrides MARKET_PORT (0 picks a free port). */
  port?: number;
}

export interface MarketServiceHandle extends ServiceHandle {
  /** The ingest path the GraphQL mutation uses, for feeds running in the same process. */
  ingest: Ingest;
  pool: Pool;
  /** The development simulator, when MARKET_SIMULATOR is on. */
  simulator: Simulator | null;
}

/** Migrates the schema and applies the reference universe; both are idempotent. */
export async function prepareMarketDatabase(pool: Pool): Promise<void> {
  await migrateDatabase(pool.sql, { folder: MIGRATIONS_FOLDER, journalTable: '__market_migrations' });
  await loadReferenceInstruments(pool.sql);
}

/** Pool -> migrate -> reference data -> server -> listen (-> simulator). Demo history is seeded by the stack launcher. */
export async function startMarketService(options: MarketServiceOptions): Promise<MarketServiceHandle> {
  const { env, logger, bus } = options;
  const pool = createPool<Record<string, never>>({ url: env.TIMESCALE_DATABASE_URL, max: env.TIMESCALE_DB_POOL_SIZE, applicationName: 'market' });
  const redis = redisTarget(env);
  let latestPriceCache: LatestPriceCache | null = null;
  let retention: ReturnType<typeof startTickRetention> | undefined;
  try {
    await prepareMarketDatabase(pool);
    const storage = { mode: await detectTimeSeriesMode(pool.sql), partitions: createPartitionCache() };
    if (storage.mode === 'timescaledb') await refreshHistoricalCandles(pool.sql);
    latestPriceCache = redis ? createLatestPriceCache({ redisUrl: redis, namespace: env.NEXANEST_NAMESPACE, logger }) : null;
    if (latestPriceCache) await warmLatestPriceCache(pool, latestPriceCache);
    const retentionDays = env.MARKET_TICK_RETENTION_DAYS || null;
    retention = startTickRetention({
      sql: pool.sql,
      mode: storage.mode,
      retentionDays,
      partitions: storage.partitions,
      intervalMs: env.MARKET_RETENTION_INTERVAL_MS,
      logger,
    });
    await retention.ready;
    const ingest = createIngest({
      sql: pool.sql,
      bus,
      storage,
      latestPriceCache,
      retentionDays,
      futureToleranceMs: env.MARKET_TICK_FUTURE_SKEW_MS,
      logger,
    });
    const deps = { sql: pool.sql, bus, logger, production: isProduction(env), ingest, latestPriceCache };
    const server = createMarketServer(deps);
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.MARKET_PORT,
      host: env.LISTEN_HOST,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: createContextFactory(deps),
      subscriptions: { schema: server.schema },
      routes: (app) => mountFxHistoryRoute(app, { sql: pool.sql, secret: env.GATEWAY_IDENTITY_SECRET, logger }),
      observe: { pools: { timescale: pool } },
      readiness: {
        timescale: () => pool.sql`select 1`,
        ...(redis ? { redis: () => probeRedis(redis).then((ok) => ok || Promise.reject(new Error('no answer'))) } : {}),
      },
    });
    const simulator = env.MARKET_SIMULATOR === 'on' ? startSimulator(pool, ingest, env, logger) : null;
    await simulator?.start();
    logger.info({ url: running.url, simulator: Boolean(simulator) }, 'market listening');
    return {
      name: 'market',
      url: running.url,
      ingest,
      pool,
      simulator,
      async close() {
        await simulator?.stop();
        await running.close();
        await retention?.stop();
        await latestPriceCache?.close();
        await pool.close();
      },
    };
  } catch (error) {
    await retention?.stop();
    await latestPriceCache?.close();
    await pool.close();
    throw error;
  }
}

/**
 * Puts every latest price in Redis (a newer revision there wins): whatever changed in the
 * database while this service was down (the demo seed, another database) replaces older copies.
 */
async function warmLatestPriceCache(pool: Pool, cache: LatestPriceCache): Promise<void> {
  const symbols = (await pool.sql<{ symbol: string }[]>`select symbol from market_data.latest_prices`).map((row) => row.symbol);
  await cache.putMany(await readLatestPrices(pool.sql, symbols));
}

function startSimulator(pool: Pool, ingest: Ingest, env: MarketEnv, logger: Logger): Simulator {
  const symbols = listReferenceInstruments()
    .filter((instrument) => instrument.assetClass !== 'CURRENCY')
    .map((instrument) => instrument.symbol);
  return createSimulator({
    ingest,
    symbols,
    intervalMs: env.MARKET_SIMULATOR_INTERVAL_MS,
    seed: 20261122,
    logger,
    latestPrices: async (wanted) => {
      const rows = await pool.sql<{ symbol: string; price: string }[]>`
        select symbol, price from market_data.latest_prices where symbol = any(${wanted as string[]}::text[])`;
      return new Map(rows.map((row) => [row.symbol, row.price]));
    },
  });
}
