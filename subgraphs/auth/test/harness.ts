import { fileURLToPath } from 'node:url';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger, singleKey, type Identity } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { createAuthContext, type AuthDeps } from '../src/context.ts';
import { schema, type AuthPool } from '../src/db/index.ts';
import { createAuthServer } from '../src/server.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-1234';

/** A migrated auth database, the server, and a way to run operations as anyone. */
export async function createAuthHarness() {
  const database: TestDatabase = await createTestDatabase('auth');
  const pool: AuthPool = createPool({ url: database.url, max: 4, schema, applicationName: 'nexanest-auth-test' });
  try {
    await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__auth_migrations' });
  } catch (error) {
    await pool.close();
    await database.drop();
    throw error;
  }
  const deps: AuthDeps = { db: pool.db, accessTokenKeys: singleKey(TEST_JWT_SECRET) };
  const server = createAuthServer({ logger: createLogger('auth-test', 'silent'), production: true });
  const contextFor = createAuthContext(deps);

  async function execute<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, identity: Identity | null = null) {
    const response = await server.apollo.executeOperation({ query, variables }, { contextValue: contextFor(identity) });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    return { data: data as T | null | undefined, errors, codes: (errors ?? []).map((e) => e.extensions?.code) };
  }

  return {
    database,
    pool,
    sql: pool.sql,
    deps,
    execute,
    async close() {
      await server.apollo.stop().catch(() => {}); // never started when no operation ran
      await pool.close();
      await database.drop();
    },
  };
}
