import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrateDatabase, type Pool } from '@nexanest/db';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { toAuditEntry, type StreamEvent } from '../src/audit/audit-entry.ts';
import { listAuditEvents, pseudonymizeUser, recordAuditEntry } from '../src/audit/audit-store.ts';

let database: TestDatabase;
let pool: Pool<Record<string, never>>;

beforeAll(async () => {
  database = await createTestDatabase('audit');
  pool = createPool<Record<string, never>>({ url: database.url, max: 2, applicationName: 'audit-trail-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle-events', import.meta.url)), journalTable: '__events_migrations' });
});
afterAll(async () => {
  await pool?.close();
  await database?.drop();
});

const record = async (event: Omit<StreamEvent, 'id'> & { id?: string }) => {
  const entry = toAuditEntry({ id: event.id ?? randomUUID(), ...event });
  if (!entry) throw new Error(`${event.topic} is not audited`);
  return recordAuditEntry(pool.sql, entry);
};

describe('audit trail storage', () => {
  it('creates the tables as monthly partitions on a server without TimescaleDB', async () => {
    await record({ topic: 'data.exported', payload: { userId: randomUUID() }, occurredAt: '2025-03-14T10:00:00.000Z' });
    const [row] = await pool.sql<{ partitions: string[] }[]>`
      select array_agg(c.relname::text order by c.relname) as partitions from pg_inherits i
      join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      join pg_namespace n on n.oid = p.relnamespace where n.nspname = 'events' and p.relname = 'system_events'`;
    expect(row?.partitions).toContain('system_events_y2025m03');
  });

  it('records an event once however often it is delivered', async () => {
    const id = randomUUID();
    const userId = randomUUID();
    const event = { id, topic: 'login.succeeded', payload: { userId, ip: '203.0.113.9', token: 'never stored' }, occurredAt: new Date().toISOString() };
    expect(await record(event)).toBe(true);
    expect(await record(event)).toBe(false);
    const page = await listAuditEvents(pool.sql, { first: 10, userId });
    expect(page.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ kind: 'login.succeeded', actorId: userId, subjectType: 'user', subjectId: userId, data: { ip: '203.0.113.9' } }),
    ]);
  });

  it('merges system and trading events newest first and pages through them with the cursor', async () => {
    const userId = randomUUID();
    const base = Date.parse('2026-06-01T00:00:00.000Z');
    for (let i = 0; i < 5; i++) {
      const occurredAt = new Date(base + i * 60_000).toISOString();
      if (i % 2 === 0) await record({ topic: 'data.exported', payload: { userId }, occurredAt });
      else
        await record({
          topic: 'transaction.recorded',
          payload: { userId, portfolioId: randomUUID(), transactionId: randomUUID(), type: 'DEPOSIT', amount: '10.5', currency: 'USD', occurredAt },
          occurredAt,
        });
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listAuditEvents(pool.sql, { first: 2, after, userId });
      seen.push(...page.edges.map((edge) => `${edge.node.time.toISOString()} ${edge.node.kind}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(seen.filter((line) => line.endsWith('transaction.recorded'))).toHaveLength(2);
  });

  it('refuses a cursor it did not issue and a page size out of range', async () => {
    await expect(listAuditEvents(pool.sql, { first: 5, after: 'garbage' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(listAuditEvents(pool.sql, { first: 0 })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('pseudonymises an erased user everywhere, also in events that arrive afterwards', async () => {
    const userId = randomUUID();
    const advisorId = randomUUID();
    const email = `erased-${randomUUID()}@example.com`;
    const pseudonym = `anon_${'ab'.repeat(16)}`;
    await record({ topic: 'login.failed', payload: { email, ip: '198.51.100.1' }, occurredAt: new Date().toISOString() });
    await record({
      topic: 'portfolio_access.granted',
      payload: { ownerId: userId, advisorId, portfolioId: randomUUID() },
      occurredAt: new Date().toISOString(),
    });
    await record({ topic: 'role.changed', payload: { userId: advisorId, byUserId: userId, role: 'ADVISOR' }, occurredAt: new Date().toISOString() });
    expect(await pseudonymizeUser(pool.sql, { userId, email, pseudonym })).toBe(3);
    // Late: produced before the deletion by another service, delivered after it.
    await record({
      topic: 'transaction.recorded',
      payload: { userId, portfolioId: randomUUID(), transactionId: randomUUID(), type: 'FEE', amount: '-1', currency: 'USD' },
    });

    const rows = await pool.sql<{ text: string }[]>`
      select row_to_json(e)::text as text from (select * from events.system_events union all select * from events.trading_events) e`;
    const all = rows.map((row) => row.text).join('\n');
    expect(all).not.toContain(userId);
    expect(all).not.toContain(email);
    const trail = await listAuditEvents(pool.sql, { first: 10, userId: pseudonym });
    expect(trail.edges.map((edge) => edge.node.kind).sort()).toEqual(['login.failed', 'portfolio_access.granted', 'role.changed', 'transaction.recorded']);
    // The advisor is still named: only the erased user is pseudonymised.
    expect((await listAuditEvents(pool.sql, { first: 10, userId: advisorId })).edges).toHaveLength(2);
  });
});
