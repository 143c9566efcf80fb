import { sql } from 'drizzle-orm';
import { createPool, type Pool } from '@nexanest/db';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { PROCESSED_EVENTS_DDL, processOnce, type StreamEvent } from '../src/index.ts';

/** Polls until `check` holds (or fails after the timeout): the tests wait on effects, never on time. */
export async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface EffectsDb {
  pool: Pool<Record<string, unknown>>;
  database: TestDatabase;
  /** The effect a test consumer applies: one `effects` row per event it handled, recorded with `processOnce`. */
  apply(event: StreamEvent): Promise<boolean>;
  effects(): Promise<number>;
  distinctEffects(): Promise<number>;
  close(): Promise<void>;
}

/** A database of its own with `processed_events` and an `effects` table without a unique key (a duplicate would show). */
export async function createEffectsDb(prefix: string): Promise<EffectsDb> {
  const database = await createTestDatabase(prefix);
  const pool = createPool({ url: database.url, max: 4, applicationName: 'bus-test' });
  await pool.sql.unsafe(PROCESSED_EVENTS_DDL);
  await pool.sql`create table effects (event_id text not null, topic text not null)`;
  const count = async (expression: string) => (await pool.sql.unsafe(`select ${expression}::int as n from effects`))[0]!.n as number;
  return {
    pool,
    database,
    apply: (event) =>
      processOnce(pool.db, { consumer: 'test', eventId: event.id }, async (tx) => {
        await tx.execute(sql`insert into effects (event_id, topic) values (${event.id}, ${event.topic})`);
      }),
    effects: () => count('count(*)'),
    distinctEffects: () => count('count(distinct event_id)'),
    async close() {
      await pool.close();
      await database.drop();
    },
  };
}
