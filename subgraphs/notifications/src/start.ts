import { fileURLToPath } from 'node:url';
import {
  type Bus,
  connectRedis,
  createBus,
  createStreamTrimmer,
  deadLetterKey,
  EVENTS_REDIS_DB,
  eventsStreamKey,
  probeRedis,
  readStreamGroups,
  type Redis,
  redisTarget,
  type StreamConsumer,
  type StreamTrimmer,
} from '@nexanest/bus';
import { appRoleUrl, createPool, ensureAppRole, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { createMarketClient, listen, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { type AlertEvaluator, createAlertEvaluator } from './alert-evaluator.ts';
import { createNotificationsContext } from './context.ts';
import { schema } from './db/index.ts';
import type { NotificationsEnv } from './env.ts';
import { createNotificationsEventsConsumer } from './events/events-consumer.ts';
import { createEmailSender, type EmailSender } from './email-sender.ts';
import { startComplianceConsumers } from './compliance-consumers.ts';
import { createNotificationsServer } from './server.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));
const EVENTS_MIGRATIONS = fileURLToPath(new URL('../drizzle-events', import.meta.url));
const HOUR_MS = 3_600_000;

export interface NotificationsServiceOptions {
  env: NotificationsEnv;
  logger: Logger;
  /** Overrides NOTIFICATIONS_PORT (0 picks a free port). */
  port?: number;
  /** The bus market publishes ticks on; by default one of its own from REDIS_URL (in-process without it). */
  bus?: Bus;
}

/**
 * Starts the notifications subgraph: pool, migrations, domain events consumer (with Redis), the
 * SMTP email sender (with SMTP_URL), the price alert evaluator, HTTP and graphql-ws. `close`
 * undoes all of it.
 */
export async function startNotificationsService(options: NotificationsServiceOptions): Promise<ServiceHandle & { evaluator: AlertEvaluator }> {
  const { env, logger } = options;
  const production = isProduction(env);
  if (!production) {
    await ensureDatabase(env.NOTIFICATIONS_DATABASE_URL);
    await ensureDatabase(env.TIMESCALE_DATABASE_URL);
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
  // The audit trail (schema events) lives in the time-series database; only operators read it.
  const audit = createPool<Record<string, never>>({ url: env.TIMESCALE_DATABASE_URL, max: 5, applicationName: 'nexanest-notifications-audit' });
  const redis = redisTarget(env);
  const bus = options.bus ?? createBus({ redisUrl: redis, namespace: env.NEXANEST_NAMESPACE });
  const ownBus = !options.bus;
  const evaluator = createAlertEvaluator({ db: system.db, bus, logger, appUrl: env.NOTIFICATIONS_APP_URL });
  let consumer: StreamConsumer | undefined;
  let events: Redis | undefined;
  let sender: EmailSender | undefined;
  let compliance: { stop(): Promise<void> } | undefined;
  // The consumer's own connection blocks in XREADGROUP: /metrics reads XINFO on another one.
  let inspector: Redis | undefined;
  let trimmer: StreamTrimmer | undefined;
  const release = async () => {
    await trimmer?.stop();
    inspector?.disconnect();
    await sender?.stop();
    await compliance?.stop();
    await consumer?.stop();
    events?.disconnect();
    await evaluator.stop();
    if (ownBus) await bus.close();
    await pool.close();
    await system.close();
    await audit.close();
  };
  try {
    await migrateDatabase(system.sql, { folder: MIGRATIONS, journalTable: '__notifications_migrations' });
    // The time-series database is shared with market and analytics; a journal of its own keeps them apart.
    await migrateDatabase(audit.sql, { folder: EVENTS_MIGRATIONS, journalTable: '__events_migrations' });
    if (redis) {
      events = connectRedis(redis, EVENTS_REDIS_DB);
      events.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis error (events)'));
      consumer = createNotificationsEventsConsumer({
        db: system.db,
        redis: events,
        bus,
        namespace: env.NEXANEST_NAMESPACE,
        appUrl: env.NOTIFICATIONS_APP_URL,
        logger,
      });
      await consumer.start();
      compliance = await startComplianceConsumers({ db: system.db, audit: audit.sql, redis, namespace: env.NEXANEST_NAMESPACE, logger });
      inspector = connectRedis(redis, EVENTS_REDIS_DB);
      inspector.on('error', () => {});
      // Notifications alone trims the events stream (several replicas may: see createStreamTrimmer).
      const stream = eventsStreamKey(env.NEXANEST_NAMESPACE);
      trimmer = createStreamTrimmer({
        redis: inspector,
        streams: [
          { key: stream, retentionMs: env.EVENTS_RETENTION_HOURS * HOUR_MS },
          { key: deadLetterKey(stream), retentionMs: env.EVENTS_DEAD_LETTER_RETENTION_HOURS * HOUR_MS },
        ],
        intervalMs: env.EVENTS_TRIM_INTERVAL_MS,
        logger,
      });
      trimmer.start();
    } else {
      logger.warn('REDIS_URL is not set: domain events (verification and reset emails) are not consumed');
    }
    if (env.SMTP_URL) {
      sender = createEmailSender({
        sql: system.sql,
        smtpUrl: env.SMTP_URL,
        from: env.NOTIFICATIONS_EMAIL_FROM,
        logger,
        intervalMs: env.NOTIFICATIONS_EMAIL_INTERVAL_MS,
        maxAttempts: env.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS,
        baseDelayMs: env.NOTIFICATIONS_EMAIL_RETRY_BASE_MS,
      });
      sender.start();
    } else {
      logger.info('SMTP_URL is not set: emails stay in the outbox (outbound_emails)');
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
        audit: audit.sql,
      }),
      subscriptions: { schema: server.schema },
      observe: {
        pools: { notifications: pool, notifications_workers: system, notifications_audit: audit },
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
