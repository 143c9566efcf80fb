import { createPool, ensureDatabase, type Pool } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { createMarketClient, listen, type LateUrl, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { createPortfolioLedgerClient } from './builder/portfolio-ledger-client.ts';
import { createSnapshotBuilder } from './builder/snapshot-builder.ts';
import { startSnapshotJob } from './builder/snapshot-job.ts';
import { createAnalyticsEventsConsumer } from './builder/events-consumer.ts';
import { connectRedis, EVENTS_REDIS_DB, type Redis, redisTarget, type StreamConsumer } from '@nexanest/bus';
import { createAnalyticsContext } from './context.ts';
import { schema } from './db/index.ts';
import type { AnalyticsEnv } from './env.ts';
import { startAnalyticsErasure } from './erasure-consumer.ts';
import { migrateAnalytics } from './migrate.ts';
import { eraseUserAnalytics } from './personal-data.ts';
import { createAnalyticsServer } from './server.ts';

/** Starts the analytics subgraph: both pools, both migrations, HTTP. `close` undoes all of it. */
export async function startAnalyticsService(options: {
  env: AnalyticsEnv;
  logger: Logger;
  port?: number;
  /** Overrides PORTFOLIO_SUBGRAPH_URL (single-process stacks learn portfolio's port late). */
  portfolioUrl?: LateUrl;
}): Promise<ServiceHandle> {
  const { env, logger } = options;
  const production = isProduction(env);
  if (!production) {
    await ensureDatabase(env.ANALYTICS_DATABASE_URL);
    await ensureDatabase(env.TIMESCALE_DATABASE_URL);
  }
  const pools: Pool<Record<string, unknown>>[] = [];
  let events: Redis | undefined;
  let consumer: StreamConsumer | undefined;
  let erasure: { stop(): Promise<void> } | null = null;
  const closePools = async () => {
    await erasure?.stop();
    await Promise.all(pools.map((pool) => pool.close()));
  };
  try {
    const analytics = createPool({ url: env.ANALYTICS_DATABASE_URL, max: env.ANALYTICS_DB_POOL_SIZE, schema, applicationName: 'nexanest-analytics' });
    pools.push(analytics);
    const timescale = createPool({ url: env.TIMESCALE_DATABASE_URL, max: env.TIMESCALE_DB_POOL_SIZE, applicationName: 'nexanest-analytics' });
    pools.push(timescale);
    await migrateAnalytics({ analytics: analytics.sql, timescale: timescale.sql });
    // Reads may go to a replica (replication lag: a snapshot just written may show a moment later).
    const reads = env.ANALYTICS_READ_DATABASE_URL
      ? createPool({ url: env.ANALYTICS_READ_DATABASE_URL, max: env.TIMESCALE_DB_POOL_SIZE, applicationName: 'nexanest-analytics-reads' })
      : timescale;
    if (reads !== timescale) pools.push(reads);
    const market = createMarketClient({ url: env.MARKET_SUBGRAPH_URL, cacheTtlMs: env.ANALYTICS_MARKET_CACHE_TTL_MS, secret: env.GATEWAY_IDENTITY_SECRET });
    const builder = createSnapshotBuilder({
      analytics: analytics.db,
      timescale: timescale.sql,
      portfolio: createPortfolioLedgerClient({ url: options.portfolioUrl ?? env.PORTFOLIO_SUBGRAPH_URL, secret: env.GATEWAY_IDENTITY_SECRET }),
      market,
      logger,
    });
    // Erasure (user.deleted) writes to the primaries, never the replica.
    const redis = redisTarget(env);
    if (redis) {
      erasure = await startAnalyticsErasure({
        sql: { analytics: analytics.sql, timescale: timescale.sql },
        redis,
        namespace: env.NEXANEST_NAMESPACE,
        logger,
      });
    }
    const server = createAnalyticsServer({ logger, production });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.ANALYTICS_PORT,
      host: env.LISTEN_HOST,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: createAnalyticsContext({
        timescaleSql: reads.sql,
        market,
        riskFreeRate: env.ANALYTICS_RISK_FREE_RATE,
      }),
      observe: { pools: { analytics, timescale, ...(reads !== timescale ? { timescale_replica: reads } : {}) } },
      readiness: {
        postgres: () => analytics.sql`select 1`,
        timescale: () => timescale.sql`select 1`,
        ...(reads !== timescale ? { 'timescale.replica': () => reads.sql`select 1` } : {}),
      },
    });
    const job = startSnapshotJob(builder, { intervalMs: env.ANALYTICS_SNAPSHOT_INTERVAL_MS, logger });
    // Ledger changes arrive as domain events too (consumer group `analytics`): rebuilt at once.
    if (redis && env.ANALYTICS_SNAPSHOT_EVENTS === 'on') {
      events = connectRedis(redis, EVENTS_REDIS_DB);
      events.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis error (events)'));
      consumer = createAnalyticsEventsConsumer({
        redis: events,
        namespace: env.NEXANEST_NAMESPACE,
        builder,
        logger,
        erase: (userId) => eraseUserAnalytics({ analytics: analytics.sql, timescale: timescale.sql }, userId),
      });
      await consumer.start();
    }
    logger.info({ url: running.url }, 'analytics subgraph listening');
    return {
      name: 'analytics',
      url: running.url,
      async close() {
        await consumer?.stop();
        events?.disconnect();
        await job.stop();
        await running.close();
        await closePools();
      },
    };
  } catch (error) {
    await consumer?.stop();
    events?.disconnect();
    await closePools();
    throw error;
  }
}
