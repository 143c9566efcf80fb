import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOnce } from '../src/index.ts';
import { createEffectsDb, type EffectsDb } from './support.ts';

let db: EffectsDb;
beforeAll(async () => {
  db = await createEffectsDb('bus_once');
});
afterAll(async () => {
  await db?.close();
});

const effectsOf = async (id: string) => (await db.pool.sql`select count(*)::int as n from effects where event_id = ${id}`)[0]!.n as number;
const recorded = async (id: string) =>
  (await db.pool.sql`select consumer from processed_events where event_id = ${id} order by consumer`).map((row) => row.consumer);

describe('processOnce', () => {
  it('applies an event once per consumer; a redelivery is a no-op', async () => {
    const event = { id: randomUUID(), topic: 'test.once', payload: {}, occurredAt: undefined, entryId: '1-0', deliveryCount: 1 };
    expect(await db.apply(event)).toBe(true);
    expect(await db.apply({ ...event, deliveryCount: 2 })).toBe(false);
    expect(await effectsOf(event.id)).toBe(1);
    // Another consumer of the same database keeps its own record.
    const other = await processOnce(db.pool.db, { consumer: 'other', eventId: event.id }, async () => {});
    expect(other).toBe(true);
    expect(await recorded(event.id)).toEqual(['other', 'test']);
  });

  it('records nothing when the effect fails, so the next delivery applies it', async () => {
    const id = randomUUID();
    const failing = processOnce(db.pool.db, { consumer: 'test', eventId: id }, async (tx) => {
      await tx.execute(sql`insert into effects (event_id, topic) values (${id}, 'test.failing')`);
      throw new Error('effect failed half-way');
    });
    await expect(failing).rejects.toThrow('effect failed half-way');
    expect(await recorded(id)).toEqual([]);
    expect(await effectsOf(id)).toBe(0);
    expect(await db.apply({ id, topic: 'test.failing', payload: {}, occurredAt: undefined, entryId: '2-0', deliveryCount: 2 })).toBe(true);
    expect(await effectsOf(id)).toBe(1);
  });
});
