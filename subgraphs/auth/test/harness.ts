import { fileURLToPath } from 'node:url';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger, singleKey, type Identity } from '@nexanest/graphql';
import { connectRedis } from '@nexanest/bus';
import { createTestDatabase, testRedisUrl, uniqueName, type TestDatabase, dropRedisNamespace } from '@nexanest/testing';
import { createAuthContext, type AuthDeps } from '../src/context.ts';
import { createLoginThrottle, type LoginThrottleLimits } from '../src/login-throttle.ts';
import { createRedisSessionRevocations, SESSIONS_REDIS_DB } from '@nexanest/bus';
import { schema, type AuthPool } from '../src/db/index.ts';
import { createAuthServer } from '../src/server.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-1234';

const DEFAULT_LIMITS: LoginThrottleLimits = { maxFailuresPerEmail: 5, maxFailuresPerIp: 20, windowSeconds: 900 };

/**
 * A migrated auth database, Redis DB 2 under a unique namespace, the server, and a way to run
 * operations as anyone (optionally from a gateway-vouched client IP).
 */
export async function createAuthHarness(options: { limits?: Partial<LoginThrottleLimits> } = {}) {
  const database: TestDatabase = await createTestDatabase('auth');
  const pool: AuthPool = createPool({ url: database.url, max: 4, schema, applicationName: 'nexanest-auth-test' });
  try {
    await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__auth_migrations' });
  } catch (error) {
    await pool.close();
    await database.drop();
    throw error;
  }
  const namespace = uniqueName('nn_test_auth');
  const redis = connectRedis(testRedisUrl(), SESSIONS_REDIS_DB);
  const deps: AuthDeps = {
    db: pool.db,
    sql: pool.sql,
    accessTokenKeys: singleKey(TEST_JWT_SECRET),
    pseudonymSecret: 'test-audit-pseudonym-secret-0123456789abcdef',
    sessionRevocations: createRedisSessionRevocations({ redis, namespace }),
    loginThrottle: createLoginThrottle({ redis, namespace, limits: { ...DEFAULT_LIMITS, ...options.limits } }),
    // Grants live in portfolio; auth-only tests have no portfolio service (test/e2e covers grants).
    advisorGrants: async () => {
      throw new Error('no portfolio service in auth-only tests');
    },
  };
  const server = createAuthServer({ logger: createLogger('auth-test', 'silent'), production: true });

  async function execute<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    identity: Identity | null = null,
    clientIp: string | null = null,
  ) {
    const contextValue = createAuthContext(deps, () => clientIp)(identity);
    const response = await server.apollo.executeOperation({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    return { data: data as T | null | undefined, errors, codes: (errors ?? []).map((e) => e.extensions?.code) };
  }

  return {
    database,
    pool,
    sql: pool.sql,
    deps,
    redis,
    namespace,
    execute,
    async close() {
      await server.apollo.stop().catch(() => {}); // never started when no operation ran
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await pool.close();
      await database.drop();
      await dropRedisNamespace(namespace);
    },
  };
}
