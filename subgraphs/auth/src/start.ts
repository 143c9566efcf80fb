import { fileURLToPath } from 'node:url';
import {
  connectRedis,
  createOutboxRelay,
  EVENTS_REDIS_DB,
  eventsStreamKey,
  type OutboxRelay,
  type Redis,
  redisTarget,
  type StreamConsumer,
} from '@nexanest/bus';
import { createPool, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { listen, singleKey, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { createAdvisorGrantCheck, type AdvisorGrantCheck } from './advisor-grants.ts';
import { BOOTSTRAP_ADMIN_EMAIL, ensureBootstrapAdmin } from './bootstrap-admin.ts';
import { createAuthContext, type AuthDeps } from './context.ts';
import { schema } from './db/index.ts';
import type { AuthEnv } from './env.ts';
import { mountInternalRoutes, trustedClientIp } from './internal-routes.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { createAuthErasureConsumer } from './erasure-consumer.ts';
import { createAuthServer } from './server.ts';
import { createInMemorySessionRevocations, createRedisSessionRevocations, SESSIONS_REDIS_DB, type SessionRevocations } from '@nexanest/bus';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface StartAuthOptions {
  env: AuthEnv;
  logger: Logger;
  port?: number;
  /**
   * Revocations shared with the gateway. Without REDIS_URL the launcher passes the same
   * in-process instance to both; when omitted, auth uses Redis DB 2 (or a private Map).
   */
  sessionRevocations?: SessionRevocations;
  /** Overrides the HTTP check against PORTFOLIO_SUBGRAPH_URL (single-process stacks learn portfolio's port late). */
  advisorGrants?: AdvisorGrantCheck;
}

/** Starts the auth subgraph: pool, migrations, bootstrap admin, Redis, outbox relay, HTTP. `close` undoes all of it. */
export async function startAuthService(options: StartAuthOptions): Promise<ServiceHandle> {
  const { env, logger } = options;
  const production = isProduction(env);
  // Development creates its database on first start; production's is provisioned.
  if (!production) await ensureDatabase(env.AUTH_DATABASE_URL);
  const pool = createPool({ url: env.AUTH_DATABASE_URL, max: env.AUTH_DB_POOL_SIZE, schema, applicationName: 'nexanest-auth' });
  const clients: Redis[] = [];
  const target = redisTarget(env);
  const redis = (db: number) => {
    if (!target) throw new Error('no Redis configured');
    const client = connectRedis(target, db);
    client.on('error', (error) => logger.warn({ err: { message: error.message }, db }, 'redis error'));
    clients.push(client);
    return client;
  };
  let relay: OutboxRelay | undefined;
  let erasure: StreamConsumer | undefined;
  try {
    await migrateDatabase(pool.sql, { folder: MIGRATIONS, journalTable: '__auth_migrations' });
    // env.ts leaves the password unset in production unless a real one was given.
    if (env.NEXANEST_ADMIN_PASSWORD) {
      const { created } = await ensureBootstrapAdmin(pool.sql, { email: BOOTSTRAP_ADMIN_EMAIL, password: env.NEXANEST_ADMIN_PASSWORD });
      if (created) logger.info({ email: BOOTSTRAP_ADMIN_EMAIL }, 'created bootstrap admin');
    }
    const namespace = env.NEXANEST_NAMESPACE;
    const sessions = target ? redis(SESSIONS_REDIS_DB) : null;
    const deps: AuthDeps = {
      db: pool.db,
      sql: pool.sql,
      accessTokenKeys: singleKey(env.JWT_SECRET),
      pseudonymSecret: env.AUDIT_PSEUDONYM_SECRET,
      sessionRevocations:
        options.sessionRevocations ?? (sessions ? createRedisSessionRevocations({ redis: sessions, namespace }) : createInMemorySessionRevocations()),
      advisorGrants: options.advisorGrants ?? createAdvisorGrantCheck({ portfolioGraphqlUrl: env.PORTFOLIO_SUBGRAPH_URL, secret: env.GATEWAY_IDENTITY_SECRET }),
      loginThrottle: createLoginThrottle({
        redis: sessions,
        namespace,
        limits: {
          maxFailuresPerEmail: env.AUTH_LOGIN_MAX_FAILURES_PER_EMAIL,
          maxFailuresPerIp: env.AUTH_LOGIN_MAX_FAILURES_PER_IP,
          windowSeconds: env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS,
        },
      }),
    };
    if (target) {
      relay = createOutboxRelay({
        sql: pool.sql,
        redis: redis(EVENTS_REDIS_DB),
        stream: eventsStreamKey(namespace),
        intervalMs: env.AUTH_OUTBOX_RELAY_INTERVAL_MS,
        logger,
      });
      relay.start();
      // Once user.deleted is back from the stream, the events naming the user leave the outbox.
      erasure = createAuthErasureConsumer({ db: pool.db, redis: redis(EVENTS_REDIS_DB), namespace, logger });
      await erasure.start();
    } else {
      logger.warn('REDIS_URL unset: outbox events (verification and reset emails) stay in outbox_events until a relay runs');
    }
    const server = createAuthServer({ logger, production });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.AUTH_PORT,
      host: env.LISTEN_HOST,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: createAuthContext(deps, (request) => trustedClientIp(request?.headers, env.GATEWAY_IDENTITY_SECRET)),
      routes: (app) => mountInternalRoutes(app, deps, { secret: env.GATEWAY_IDENTITY_SECRET, logger }),
      readiness: { postgres: () => pool.sql`select 1`, ...(sessions ? { redis: () => sessions.ping() } : {}) },
      observe: { pools: { auth: pool } },
    });
    logger.info({ url: running.url }, 'auth subgraph listening');
    return {
      name: 'auth',
      url: running.url,
      async close() {
        await erasure?.stop();
        await relay?.stop();
        await running.close();
        for (const client of clients) client.disconnect();
        await pool.close();
      },
    };
  } catch (error) {
    await erasure?.stop();
    await relay?.stop();
    for (const client of clients) client.disconnect();
    await pool.close();
    throw error;
  }
}
