import { sql } from 'drizzle-orm';

/**
 * What `processOnce` needs of a drizzle handle: a transaction whose handle runs raw SQL and
 * returns the rows (drizzle over postgres.js).
 */
export interface TransactionalDb<Tx extends { execute(query: ReturnType<typeof sql>): PromiseLike<ArrayLike<unknown>> }> {
  transaction<R>(run: (tx: Tx) => Promise<R>): Promise<R>;
}

export interface ProcessedKey {
  /** Who applies the effect, e.g. `notifications.email`: one event may have several consumers in a database. */
  consumer: string;
  eventId: string;
}

/**
 * DDL of the table `processOnce` writes. Each consuming subgraph declares the same table in its
 * drizzle schema (so it comes with its migrations); tests of the toolkit create it with this.
 */
export const PROCESSED_EVENTS_DDL = `create table if not exists processed_events (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
)`;

/**
 * Runs `effect` at most once per (consumer, event id): the id is recorded in `processed_events`
 * in the same transaction as the effect, so a redelivered event finds it and does nothing, and an
 * effect that fails rolls the record back with it. Returns whether the effect ran now.
 */
export async function processOnce<Tx extends { execute(query: ReturnType<typeof sql>): PromiseLike<ArrayLike<unknown>> }>(
  db: TransactionalDb<Tx>,
  key: ProcessedKey,
  effect: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx.execute(
      sql`insert into processed_events (consumer, event_id) values (${key.consumer}, ${key.eventId}) on conflict do nothing returning event_id`,
    );
    if (claimed.length === 0) return false;
    await effect(tx);
    return true;
  });
}
