import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Sql } from './create-pool.ts';

/**
 * Applies a service's drizzle-kit migrations. Services that share the time-series database
 * each keep their own journal table, so their migrations never collide.
 */
export async function migrateDatabase(sql: Sql, options: { folder: string; journalTable: string }): Promise<void> {
  // Two services starting together must not both run the same migration.
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${options.journalTable}))`;
    // drizzle's postgres-js driver needs the client's `options` and opens its own transaction
    // with `begin`; a postgres.js transaction has neither, so lend it the pool's options and let
    // the nested transaction be a savepoint inside this one (which holds the lock).
    const client = Object.assign(tx, { options: sql.options, begin: (fn: (inner: typeof tx) => unknown) => tx.savepoint(fn) });
    await migrate(drizzle(client as unknown as Sql), {
      migrationsFolder: options.folder,
      migrationsTable: options.journalTable,
      migrationsSchema: 'drizzle',
    });
  });
}
