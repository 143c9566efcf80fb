import { fileURLToPath } from 'node:url';
import {
  type Bus,
  connectRedis,
  createBus,
  createOutboxRelay,
  EVENTS_REDIS_DB,
  eventsStreamKey,
  type OutboxRelay,
  type Redis,
  redisTarget,
} from '@nexanest/bus';
import { appRoleUrl, createPool, ensureAppRole, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { createMarketClient, listen, type Logger, type MarketClient, type ServiceHandle } from '@nexanest/graphql';
import { createPortfolioCache, PORTFOLIO_REDIS_DB } from './cache/portfolio-cache.ts';
import { schema } from './db/index.ts';
import type { PortfolioEnv } from './env.ts';
import { createAuthClient, type AuthClient } from './auth-client.ts';
import { mountPortfolioInternalRoutes } from './internal-routes.ts';
import { startPortfolioErasure } from './erasure-consumer.ts';
import { type GoalWatch, startGoalWatch } from './goals/goal-watch.ts';
import { createPortfolioServer } from './server.ts';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
/** Instruments change rarely: portfolio trusts a found one this long (market's answers to other subgraphs are kept 60 s by default). */
const INSTRUMENT_CACHE_TTL_MS = 10 * 60_000;

export interface StartPortfolioOptions {
  env: PortfolioEnv;
  logger: Logger;
  /** Overrides PORTFOLIO_PORT; 0 picks a free port. */
  port?: number;
  /** Overrides the HTTP client of MARKET_SUBGRAPH_URL (tests, single-process stacks). */
  marketClient?: MarketClient;
  /** Overrides the HTTP client of AUTH_SUBGRAPH_URL (single-process stacks learn auth's port late). */
  authClient?: AuthClient;
  /** The bus market publishes ticks on (goals are valued on them); by default one of its own from REDIS_URL (in-process without it). */
  bus?: Bus;
}

/** Applies the portfolio migrations as the database owner, on a connection of its own. */
export async function migratePortfolioDatabase(ownerUrl: string): Promise<void> {
  const owner = createPool({ url: ownerUrl, max: 1, applicationName: 'portfolio-migrate' });
  try {
    await migrateDatabase(owner.sql, { folder: migrationsFolder, journalTable: '__portfolio_migrations' });
  } finally {
    await owner.close();
  }
}

/** Pool, migrations, outbox relay (with Redis), server, listen. `close` stops the server first, then the rest. */
export async function startPortfolioService(options: StartPortfolioOptions): Promise<ServiceHandle> {
  const { env, logger } = options;
  const production = isProduction(env);
  // Development creates its database on first start; production's is provisioned.
  if (!production) {
    await ensureDatabase(env.PORTFOLIO_DATABASE_URL);
    await ensureAppRole(env.PORTFOLIO_DATABASE_URL, env.APP_DB_PASSWORD);
  }
  await migratePortfolioDatabase(env.PORTFOLIO_DATABASE_URL);
  // Requests run as nexanest_app, which owns nothing: row-level security applies to all of them.
  const pool = createPool({
    url: appRoleUrl(env.PORTFOLIO_DATABASE_URL, env.APP_DB_PASSWORD),
    max: env.PORTFOLIO_DB_POOL_SIZE,
    schema,
    applicationName: 'portfolio',
  });
  // The analytics snapshot builder reads ledgers through signed internal routes: background work on two connections of its own.
  const analyticsReads = createPool({
    url: appRoleUrl(env.PORTFOLIO_DATABASE_URL, env.APP_DB_PASSWORD),
    max: 2,
    schema,
    applicationName: 'portfolio-analytics-reads',
  });
  // The outbox relay reads and marks rows nexanest_app may not: it runs on the owner's connections.
  const owner = createPool({ url: env.PORTFOLIO_DATABASE_URL, max: 2, applicationName: 'portfolio-outbox-relay' });
  const target = redisTarget(env);
  let events: Redis | undefined;
  let relay: OutboxRelay | undefined;
  // Cache-aside in Redis DB 0 when Redis is configured (the single-process stack without Redis reads the database).
  let redis: Redis | null = null;
  let erasure: { stop(): Promise<void> } | null = null;
  let goalWatch: GoalWatch | null = null;
  const bus = options.bus ?? createBus({ redisUrl: target, namespace: env.NEXANEST_NAMESPACE });
  const release = async () => {
    await goalWatch?.stop();
    if (!options.bus) await bus.close();
    await erasure?.stop();
    await relay?.stop();
    events?.disconnect();
    redis?.disconnect();
    await owner.close();
    await analyticsReads.close();
    await pool.close();
  };
  try {
    if (target && env.PORTFOLIO_CACHE === 'on') {
      redis = connectRedis(target, PORTFOLIO_REDIS_DB);
      redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'portfolio cache: Redis error'));
    }
    const cache = redis ? createPortfolioCache({ redis, namespace: env.NEXANEST_NAMESPACE, ttlSeconds: env.PORTFOLIO_CACHE_TTL_SECONDS, logger }) : null;
    if (target) {
      events = connectRedis(target, EVENTS_REDIS_DB);
      events.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis error (events)'));
      relay = createOutboxRelay({
        sql: owner.sql,
        redis: events,
        stream: eventsStreamKey(env.NEXANEST_NAMESPACE),
        intervalMs: env.PORTFOLIO_OUTBOX_RELAY_INTERVAL_MS,
        logger,
      });
      relay.start();
      // Erasure (user.deleted) acts for the system on the owner's connection.
      erasure = await startPortfolioErasure({ ownerUrl: env.PORTFOLIO_DATABASE_URL, redis: target, namespace: env.NEXANEST_NAMESPACE, logger, cache });
    } else {
      logger.warn('REDIS_URL unset: domain events (transactions, access grants) stay in outbox_events until a relay runs');
    }
    const market = options.marketClient ?? createMarketClient({ url: env.MARKET_SUBGRAPH_URL, cacheTtlMs: INSTRUMENT_CACHE_TTL_MS });
    // Goals reached on ledger changes (events consumer group portfolio.goals), on ticks, and in a periodic sweep.
    goalWatch = await startGoalWatch({
      ownerUrl: env.PORTFOLIO_DATABASE_URL,
      market,
      redis: target,
      bus,
      namespace: env.NEXANEST_NAMESPACE,
      intervalMs: env.PORTFOLIO_GOALS_INTERVAL_MS,
      tickBatchMs: env.PORTFOLIO_GOALS_TICK_BATCH_MS,
      cache,
      logger,
    });
    const server = createPortfolioServer({
      db: pool.db,
      cache,
      market,
      auth: options.authClient ?? createAuthClient({ authGraphqlUrl: env.AUTH_SUBGRAPH_URL, secret: env.GATEWAY_IDENTITY_SECRET }),
      logger,
      production,
    });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.PORTFOLIO_PORT,
      host: env.LISTEN_HOST,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: server.createContext,
      routes: (app) => mountPortfolioInternalRoutes(app, { db: pool.db, analyticsDb: analyticsReads.db, secret: env.GATEWAY_IDENTITY_SECRET, logger }),
      readiness: { postgres: () => pool.sql`select 1`, ...(redis ? { redis: () => (redis as Redis).ping() } : {}) },
      observe: { pools: { portfolio: pool, portfolio_outbox: owner, portfolio_analytics_reads: analyticsReads, portfolio_goals: goalWatch.pool } },
    });
    logger.info({ url: running.url }, 'portfolio subgraph listening');
    return {
      name: 'portfolio',
      url: running.url,
      async close() {
        await running.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
