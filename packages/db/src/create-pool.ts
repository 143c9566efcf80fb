import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { createDatabaseGate, type DatabaseGateOptions } from './database-gate.ts';
import { createPoolUsage, type PoolUsage } from './pool-usage.ts';
import { statementCounter } from './statement-counter.ts';

export type Sql = postgres.Sql;

export interface Pool<TSchema extends Record<string, unknown> = Record<string, never>> {
  /** postgres.js tagged-template client, for queries drizzle does not express well. */
  sql: Sql;
  /** drizzle over the same connections. */
  db: PostgresJsDatabase<TSchema>;
  /** Connections open, in use, idle and waiting now (for /metrics). */
  usage(): PoolUsage;
  close(): Promise<void>;
}

export interface PoolOptions<TSchema extends Record<string, unknown>> {
  url: string;
  max: number;
  schema?: TSchema;
  /** Name shown in pg_stat_activity, so operators can tell the services apart. */
  applicationName: string;
  /** Fail-fast while the database is down (database-gate.ts); tests drive its clock. */
  gate?: DatabaseGateOptions;
}

/** One pool per service and database. NUMERIC stays a string: no JS number ever holds money. */
export function createPool<TSchema extends Record<string, unknown>>(options: PoolOptions<TSchema>): Pool<TSchema> {
  const usage = createPoolUsage(options.max);
  const client = postgres(options.url, {
    max: options.max,
    idle_timeout: 30,
    connect_timeout: 5,
    // Reconnect attempts after a lost connection: postgres.js waits up to 20 s by default (3^n/100 s),
    // and every query queued for that connection waits too. Capped at 1 s, a request during a
    // database restart fails fast (DATABASE_UNAVAILABLE) and the pool is back within a second of it.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
    connection: { application_name: options.applicationName },
    ...usage.hooks(() => {
      statementCounter.record(options.applicationName);
    }),
  });
  // Counted, then gated: while the database is known to be down, work fails at once instead of
  // queueing behind postgres.js's reconnect attempts (database-gate.ts).
  const sql = createDatabaseGate(options.gate).wrap(usage.track(client));
  const db = drizzle(sql, { schema: options.schema ?? ({} as TSchema) });
  return { sql, db, usage: usage.usage, close: () => client.end({ timeout: 5 }) };
}
