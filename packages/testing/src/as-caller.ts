import type postgres from 'postgres';

/** Who a statement runs for, as row-level security reads it. */
export interface DatabaseCaller {
  userId: string;
  role: string;
}

/**
 * Runs statements in one transaction with `app.user_id` / `app.role` set the way a service's
 * request sets them (or unset, for `null`), so a test can talk to PostgreSQL as the service's role
 * without going through the application's own checks.
 */
export const asCaller = <T>(sql: postgres.Sql, caller: DatabaseCaller | null, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> =>
  sql.begin(async (tx) => {
    if (caller) await tx`select set_config('app.user_id', ${caller.userId}, true), set_config('app.role', ${caller.role}, true)`;
    return fn(tx);
  }) as Promise<T>;
