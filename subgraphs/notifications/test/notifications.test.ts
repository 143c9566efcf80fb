import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger, type Identity } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { createNotificationsContext } from '../src/context.ts';
import { schema, type NotificationsPool } from '../src/db/index.ts';
import { notifications } from '../src/db/schema/index.ts';
import { createNotificationsServer } from '../src/server.ts';
import { testDeps } from './deps.ts';

const PAGE = `query($reps: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $reps) { ... on User {
    notifications(first: $first, after: $after) {
      totalCount unreadCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id kind title body data createdAt readAt } }
    }
  } }
}`;
const MARK = 'mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }';
const MARK_ALL = 'mutation { markAllNotificationsRead }';

let database: TestDatabase;
let pool: NotificationsPool;
const server = createNotificationsServer({ logger: createLogger('notifications-test', 'silent'), production: true });
const ann: Identity = { userId: randomUUID(), role: 'USER' };
const bob: Identity = { userId: randomUUID(), role: 'USER' };
const annKey: Identity = { ...ann, scopes: ['portfolio:read'] };

async function execute(query: string, variables: Record<string, unknown>, identity: Identity | null) {
  const response = await server.apollo.executeOperation({ query, variables }, { contextValue: createNotificationsContext(testDeps(pool))(identity) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  return { data: data as Record<string, any> | null | undefined, codes: (errors ?? []).map((e) => e.extensions?.code) };
}
const page = (identity: Identity | null, userId: string, first?: number, after?: string) =>
  execute(PAGE, { reps: [{ __typename: 'User', id: userId }], first, after }, identity);

/** Five notifications for Ann, one a millisecond apart plus two at the same instant; one for Bob. */
const annIds: string[] = [];
beforeAll(async () => {
  database = await createTestDatabase('notifications');
  pool = createPool({ url: database.url, max: 4, schema, applicationName: 'nexanest-notifications-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
  const base = Date.parse('2026-11-20T10:00:00.000Z');
  const times = [base, base + 1, base + 2, base + 2, base + 3];
  const rows = await pool.db
    .insert(notifications)
    .values(times.map((t, i) => ({ userId: ann.userId, kind: 'SYSTEM' as const, title: `n${i}`, body: `body ${i}`, data: { i }, createdAt: new Date(t) })))
    .returning();
  annIds.push(...rows.map((row) => row.id));
  await pool.db.insert(notifications).values({ userId: bob.userId, kind: 'SECURITY', title: 'bob', body: 'bob only', createdAt: new Date(base) });
});
afterAll(async () => {
  await server.apollo.stop().catch(() => {});
  await pool?.close();
  await database?.drop();
});

describe('notifications list', () => {
  it('pages through the user own notifications, newest first, with an opaque cursor and counts', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const { data, codes } = await page(ann, ann.userId, 2, after);
      expect(codes).toEqual([]);
      const connection = data!._entities[0].notifications;
      expect(connection.totalCount).toBe(5);
      expect(connection.unreadCount).toBe(5);
      seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
      pages++;
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      expect(after).not.toContain(':'); // opaque: not the raw key
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(annIds));
    const titles = (await page(ann, ann.userId, 10)).data!._entities[0].notifications.edges.map((e: { node: { title: string } }) => e.node.title);
    expect(titles[0]).toBe('n4');
    expect(titles[4]).toBe('n0');
    expect(new Set(titles.slice(1, 3))).toEqual(new Set(['n2', 'n3']));
  });

  it('returns each node with its JSON data and instants', async () => {
    const { data } = await page(ann, ann.userId, 1);
    expect(data!._entities[0].notifications.edges[0].node).toEqual({
      id: annIds[4],
      kind: 'SYSTEM',
      title: 'n4',
      body: 'body 4',
      data: { i: 4 },
      createdAt: '2026-11-20T10:00:00.003Z',
      readAt: null,
    });
  });

  it('answers an empty last page with no cursor', async () => {
    const first = await page(ann, ann.userId, 5);
    const rest = await page(ann, ann.userId, 5, first.data!._entities[0].notifications.pageInfo.endCursor);
    expect(rest.data!._entities[0].notifications).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('refuses a page size out of range and a cursor it did not issue', async () => {
    expect((await page(ann, ann.userId, 0)).codes).toEqual(['BAD_USER_INPUT']);
    expect((await page(ann, ann.userId, 101)).codes).toEqual(['BAD_USER_INPUT']);
    expect((await page(ann, ann.userId, 5, 'bm90LWEtY3Vyc29y')).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('is not readable by another user, anonymously, or with an API key', async () => {
    expect((await page(bob, ann.userId, 5)).data!._entities[0]).toBeNull();
    expect((await page(null, ann.userId, 5)).data!._entities[0]).toBeNull();
    expect((await page(annKey, ann.userId, 5)).codes).toEqual(['FORBIDDEN']);
  });
});

describe('marking notifications read', () => {
  it('answers NOT_FOUND for another user notification and changes nothing', async () => {
    const { data, codes } = await execute(MARK, { id: annIds[0] }, bob);
    expect(codes).toEqual(['NOT_FOUND']);
    expect(data).toBeNull();
    const rows = await pool.sql`select count(*)::int as n from notifications where read_at is not null`;
    expect(rows[0]!.n).toBe(0);
    expect((await execute(MARK, { id: randomUUID() }, ann)).codes).toEqual(['NOT_FOUND']);
    expect((await execute(MARK, { id: 'not-a-uuid' }, ann)).codes).toEqual(['NOT_FOUND']);
    expect((await execute(MARK, { id: annIds[0] }, null)).codes).toEqual(['UNAUTHENTICATED']);
  });

  it('marks one read, keeps its first read time, and lowers the unread count', async () => {
    const first = await execute(MARK, { id: annIds[0] }, ann);
    expect(first.codes).toEqual([]);
    const readAt = first.data!.markNotificationRead.readAt as string;
    expect(Number.isNaN(Date.parse(readAt))).toBe(false);
    const again = await execute(MARK, { id: annIds[0] }, ann);
    expect(again.data!.markNotificationRead).toEqual({ id: annIds[0], readAt });
    expect((await page(ann, ann.userId, 1)).data!._entities[0].notifications).toMatchObject({ totalCount: 5, unreadCount: 4 });
  });

  it('marks all of the user unread notifications read, returns how many, and leaves other users alone', async () => {
    expect((await execute(MARK_ALL, {}, ann)).data).toEqual({ markAllNotificationsRead: 4 });
    expect((await execute(MARK_ALL, {}, ann)).data).toEqual({ markAllNotificationsRead: 0 });
    expect((await page(ann, ann.userId, 1)).data!._entities[0].notifications.unreadCount).toBe(0);
    expect((await page(bob, bob.userId, 1)).data!._entities[0].notifications.unreadCount).toBe(1);
    expect((await execute(MARK_ALL, {}, null)).codes).toEqual(['UNAUTHENTICATED']);
  });
});
