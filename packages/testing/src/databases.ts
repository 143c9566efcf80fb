import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '@nexanest/db';

/** PostgreSQL server for tests; override with TEST_DATABASE_URL. */
export const testServerUrl = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Redis for tests; override with TEST_REDIS_URL. */
export const testRedisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other test run uses: prefix, time and randomness. */
export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database on the test server (or on `server`); `drop` removes it. */
export async function createTestDatabase(prefix: string, server = testServerUrl()): Promise<TestDatabase> {
  const name = uniqueName(`nn_test_${prefix}`).toLowerCase();
  const url = new URL(server);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  return { url: url.toString(), name, drop: () => dropDatabase(url.toString()) };
}
