import { fileURLToPath } from 'node:url';
import { type Bus, connectRedis, createBus, probeRedis, readStreamGroups, type Redis, redisTarget } from '@nexanest/bus';
import { appRoleUrl, createPool, ensureAppRole, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { createMarketClient, listen, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { type AlertEvaluator, createAlertEvaluator } from './alert-evaluator.ts';
import { createNotificationsContext } from './context.ts';
import { createEmailEventsConsumer, type EmailEventsConsumer, eventsStreamKey } from './email-events-consumer.ts';
import { schema } from './db/index.ts';
import type { NotificationsEnv } from './env.ts';
import { createNotificationsServer } from './server.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface NotificationsServiceOptions {
  env: NotificationsEnv;
  logger: Logger;
  /** Overrides NOTIFICATIONS_PORT (0 picks a free port). */
  port?: number;
  /** The bus market publishes ticks on; by default one of its own from REDIS_URL (in-process without it). */
  bus?: Bus;
}

/**
 * Starts the notifications subgraph: pool, migrations, email events consumer (with Redis), the
 * price alert evaluator, HTTP and graphql-ws. `close` undoes all of it.
 */
export async function startNotificationsService(options: NotificationsServiceOptions): Promise<ServiceHandle & { evaluator: AlertEvaluator }> {
  const { env, logger } = options;
  const production = isProduction(env);
  if (!production) {
    await ensureDatabase(env.NOTIFICATIONS_DATABASE_URL);
    await ensureAppRole(env.NOTIFICATIONS_DATABASE_URL, env.APP_DB_PASSWORD);
  }
  // Requests run as nexanest_app under row-level security; the workers (alert evaluator, email
  // events consumer) act for the system on the owner's connections, which also migrate.
  const pool = createPool({
    url: appRoleUrl(env.NOTIFICATIONS_DATABASE_URL, env.APP_DB_PASSWORD),
    max: env.NOTIFICATIONS_DB_POOL_SIZE,
    schema,
    applicationName: 'nexanest-notifications',
  });
  const system = createPool({ url: env.NOTIFICATIONS_DATABASE_URL, max: 5, schema, applicationName: 'nexanest-notifications-workers' });
  const redis = redisTarget(env);
  const bus = options.bus ?? createBus({ redisUrl: redis, namespace: env.NEXANEST_NAMESPACE });
  const ownBus = !options.bus;
  const evaluator = createAlertEvaluator({ db: system.db, bus, logger, appUrl: env.NOTIFICATIONS_APP_URL });
  let consumer: EmailEventsConsumer | undefined;
  // The consumer's own connection blocks in XREADGROUP: /metrics reads XINFO on another one.
  let inspector: Redis | undefined;
  const release = async () => {
    inspector?.disconnect();
    await consumer?.stop();
    await evaluator.stop();
    if (ownBus) await bus.close();
    await pool.close();
    await system.close();
  };
  try {
    await migrateDatabase(system.sql, { folder: MIGRATIONS, journalTable: '__notifications_migrations' });
    if (redis) {
      consumer = createEmailEventsConsumer({
        db: system.db,
        redisUrl: redis,
        namespace: env.NEXANEST_NAMESPACE,
        appUrl: env.NOTIFICATIONS_APP_URL,
        logger,
      });
      await consumer.start();
      inspector = connectRedis(redis, 0);
      inspector.on('error', () => {});
    } else {
      logger.warn('REDIS_URL is not set: verification and password reset emails are not consumed');
    }
    await evaluator.start();
    const server = createNotificationsServer({ logger, production });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.NOTIFICATIONS_PORT,
      host: env.LISTEN_HOST,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: createNotificationsContext({
        db: pool.db,
        bus,
        market: createMarketClient({ url: env.MARKET_SUBGRAPH_URL }),
        watchSymbol: (symbol) => evaluator.watch(symbol),
      }),
      subscriptions: { schema: server.schema },
      observe: {
        pools: { notifications: pool, notifications_workers: system },
        ...(inspector ? { streamGroups: () => readStreamGroups(inspector as Redis, [eventsStreamKey(env.NEXANEST_NAMESPACE)]) } : {}),
      },
      readiness: { postgres: () => pool.sql`select 1`, ...(redis ? { redis: () => probeRedis(redis).then(requireTrue) } : {}) },
    });
    logger.info({ url: running.url, bus: bus.kind }, 'notifications subgraph listening');
    return {
      name: 'notifications',
      url: running.url,
      evaluator,
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

function requireTrue(ok: boolean): void {
  if (!ok) throw new Error('no answer');
}
