import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase, PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';

/** A drizzle handle that may be the pool or a transaction on it. */
export type ScopedDb<TSchema extends Record<string, unknown>> = PgDatabase<PostgresJsQueryResultHKT, TSchema, ExtractTablesWithRelations<TSchema>>;

/** What row-level security policies read: `app.user_id` and `app.role`. */
export interface ScopeSettings {
  userId: string | null;
  role: string | null;
}

export interface RequestScope<TSchema extends Record<string, unknown>> {
  /** This request's transaction, begun on first use with the caller's settings. */
  db(): Promise<ScopedDb<TSchema>>;
  /**
   * Commits and gives the connection back; safe to call more than once, or when never begun.
   * Rejects when the COMMIT itself fails, so nothing reports success for a write that is not there.
   */
  end(): Promise<void>;
}

/**
 * One transaction per request, begun lazily, with `app.user_id` and `app.role` set for it alone
 * (`set_config(..., true)`), so the database's policies see the same caller as the resolvers.
 * Services open savepoints inside it with `db.transaction`. A statement that fails outside a
 * savepoint aborts the request's transaction: later statements of that request fail too, and the
 * final COMMIT becomes a rollback.
 */
export function createRequestScope<TSchema extends Record<string, unknown>>(pool: PostgresJsDatabase<TSchema>, settings: ScopeSettings): RequestScope<TSchema> {
  let begun: Promise<ScopedDb<TSchema>> | undefined;
  let finish: (() => void) | undefined;
  let done: Promise<unknown> | undefined;
  return {
    db() {
      begun ??= new Promise<ScopedDb<TSchema>>((resolve, reject) => {
        const release = new Promise<void>((resolveRelease) => {
          finish = resolveRelease;
        });
        let started = false;
        done = pool
          .transaction(async (tx) => {
            await tx.execute(sql`select set_config('app.user_id', ${settings.userId ?? ''}, true), set_config('app.role', ${settings.role ?? ''}, true)`);
            started = true;
            resolve(tx);
            await release;
          })
          .catch((error: unknown) => {
            // Before the scope began, the caller of db() hears of it; after, end() does (a failed COMMIT).
            if (!started) reject(error);
            else throw error;
          });
        // end() awaits `done`; until then a failure (the connection lost mid-request) must not
        // count as unhandled, which would end the process.
        done.catch(() => {});
      });
      return begun;
    },
    async end() {
      finish?.();
      await done;
    },
  };
}
