import { randomBytes } from 'node:crypto';
import { createPool, withDatabase, type Pool } from '@nexanest/db';
import { createTestDatabase, eventually, type TestDatabase, uniqueName } from '@nexanest/testing';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseBusy, isDatabaseUnavailable } from '../src/database-unavailable.ts';
import { createFormatError } from '../src/errors.ts';
import { createLogger } from '../src/logger.ts';

/**
 * A PostgreSQL that refuses one more connection (here a login role limited to one; a server at
 * max_connections answers with the same SQLSTATE 53300) is an overload a client may retry, not an
 * internal error and not a database that is down: the pool gate stays open.
 */
let database: TestDatabase;
let pool: Pool;
let holder: Pool;
const role = uniqueName('nn_busy').toLowerCase();

beforeAll(async () => {
  database = await createTestDatabase('database_busy');
  const password = randomBytes(12).toString('hex');
  await withDatabase(database.url, 'postgres', async (sql) => {
    const [statement] = await sql`select format('create role %I login connection limit 1 password %L', ${role}::text, ${password}::text) as text`;
    await sql.unsafe(statement?.text as string);
  });
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  // The gate's clock stands still: had the refusal tripped it, every later statement would be refused.
  pool = createPool({ url: url.toString(), max: 1, applicationName: 'database-busy-test', gate: { probeIntervalMs: 250, now: () => 1_000_000 } });
  holder = createPool({ url: url.toString(), max: 1, applicationName: 'database-busy-holder' });
});
afterAll(async () => {
  await pool?.close();
  await holder?.close();
  await database?.drop();
  await withDatabase(database.url, 'postgres', (sql) => sql.unsafe(`drop role if exists "${role}"`));
});

describe('a database at its connection limit', () => {
  it('answers a coded, retryable DATABASE_BUSY without detail, and the pool keeps working', async () => {
    // The role's one connection is another pool's; this pool's first connection is refused.
    await holder.sql`select 1`;
    const refused = await pool.sql`select 1`.then(
      () => null,
      (error: unknown) => error,
    );
    expect((refused as { code?: string } | null)?.code).toBe('53300');
    expect(isDatabaseBusy(refused)).toBe(true);
    expect(isDatabaseUnavailable(refused)).toBe(false);

    // Not a database that is down: once the other connection is gone, statements go through.
    await holder.close();
    const sessionsOfRole = () =>
      withDatabase(database.url, 'postgres', async (sql) => Number((await sql`select count(*) as n from pg_stat_activity where usename = ${role}`)[0]?.n));
    expect(await eventually(sessionsOfRole, (n) => n === 0)).toBe(0);
    expect(await pool.sql`select 1 as one`).toEqual([{ one: 1 }]);
    expect(await pool.sql`select 2 as two`).toEqual([{ two: 2 }]);

    const lines: string[] = [];
    const formatError = createFormatError(createLogger('test', 'warn', { write: (line: string) => lines.push(line) }));
    const wrapped = new GraphQLError('Failed query', { originalError: refused as Error, path: ['portfolio'] });
    expect(formatError({ message: wrapped.message, path: ['portfolio'] }, wrapped)).toEqual({
      message: 'The database is at its connection limit; try again shortly',
      path: ['portfolio'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_BUSY' },
    });
    expect(lines.join('')).toContain('database connection limit reached');
    expect(lines.join('')).not.toContain('select 1');
  });
});
