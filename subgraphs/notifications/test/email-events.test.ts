import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createBus, deadLetterKey, eventsStreamKey, fieldMap, type Redis, type StreamConsumer } from '@nexanest/bus';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger, type Identity } from '@nexanest/graphql';
import { createTestDatabase, testRedisUrl, type TestDatabase, uniqueName, dropRedisNamespace } from '@nexanest/testing';
import { createNotificationsContext } from '../src/context.ts';
import { schema, type NotificationsPool } from '../src/db/index.ts';
import { createNotificationsEventsConsumer, NOTIFICATIONS_CONSUMER_GROUP } from '../src/events/events-consumer.ts';
import { createNotificationsServer } from '../src/server.ts';
import { testDeps } from './deps.ts';

const QUERY = 'query($to: String!) { outboundEmails(to: $to) { id to subject body createdAt sentAt } }';
const APP_URL = 'https://app.nexanest.local';

let database: TestDatabase;
let pool: NotificationsPool;
let redis: Redis;
const namespace = uniqueName('notif');
const stream = eventsStreamKey(namespace);
const logger = createLogger('notifications-email-test', 'silent');
const server = createNotificationsServer({ logger, production: true });
const consumers: StreamConsumer[] = [];
const bus = createBus({ redisUrl: null, namespace });

const consumer = (consumerName?: string, claimIdleMs?: number) => {
  const created = createNotificationsEventsConsumer({ db: pool.db, redis, bus, namespace, logger, appUrl: APP_URL, consumerName, blockMs: 100, claimIdleMs });
  consumers.push(created);
  return created;
};

/** What auth's outbox relay does: XADD topic, payload (JSON) and id. */
const publish = (id: string, topic: string, payload: unknown) => redis.xadd(stream, '*', 'topic', topic, 'payload', JSON.stringify(payload), 'id', id);
const tokenEvent = (email: string) => ({
  userId: randomUUID(),
  email,
  token: `tok-${randomUUID()}`,
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
});

const rowCount = async (to: string) => (await pool.sql`select count(*)::int as n from outbound_emails where to_address = ${to}`)[0]!.n as number;
const pendingCount = async () => ((await redis.xpending(stream, NOTIFICATIONS_CONSUMER_GROUP)) as [number, ...unknown[]])[0];

async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function execute(to: string, identity: Identity | null) {
  const response = await server.apollo.executeOperation(
    { query: QUERY, variables: { to } },
    { contextValue: createNotificationsContext(testDeps(pool))(identity) },
  );
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  return { data: data as Record<string, any> | null | undefined, codes: (errors ?? []).map((e) => e.extensions?.code) };
}

beforeAll(async () => {
  database = await createTestDatabase('notifications');
  pool = createPool({ url: database.url, max: 4, schema, applicationName: 'nexanest-notifications-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
  redis = connectRedis(testRedisUrl(), 0);
});
afterAll(async () => {
  for (const created of consumers) await created.stop();
  await server.apollo.stop().catch(() => {});
  if (redis) {
    await redis.del(stream);
    await redis.quit();
  }
  await pool?.close();
  await database?.drop();
  await dropRedisNamespace(namespace);
});

describe('email events consumer', () => {
  const ann = 'ann@example.com';
  const verification = { id: randomUUID(), ...tokenEvent('Ann@Example.com') };
  const reset = { id: randomUUID(), ...tokenEvent(ann) };

  it('stores one email per verification and reset event, then acks them', async () => {
    const running = consumer();
    await running.start();
    await publish(verification.id, 'email_verification.requested', verification);
    await publish(randomUUID(), 'portfolio.created', { portfolioId: randomUUID() });
    await publish(reset.id, 'password_reset.requested', reset);
    await until(async () => (await rowCount(ann)) === 2 && (await pendingCount()) === 0);

    const rows = await pool.sql`select event_id, user_id, to_address, subject, body, kind, sent_at, attempts from outbound_emails order by created_at`;
    const byEvent = new Map(rows.map((row) => [row.event_id, row]));
    expect(byEvent.get(verification.id)).toMatchObject({
      user_id: verification.userId,
      to_address: ann,
      subject: 'Confirm your NexaNest email',
      kind: 'email_verification',
      sent_at: null,
      attempts: 0,
    });
    expect(byEvent.get(verification.id)!.body).toContain(`${APP_URL}/verify-email?token=${verification.token}`);
    expect(byEvent.get(reset.id)).toMatchObject({ subject: 'Reset your NexaNest password', kind: 'password_reset' });
    expect(byEvent.get(reset.id)!.body).toContain(`${APP_URL}/reset-password?token=${reset.token}`);
    expect(rows).toHaveLength(2); // the unrelated topic stored nothing
  });

  it('stores nothing new when the same event is delivered again', async () => {
    await publish(verification.id, 'email_verification.requested', verification);
    await until(async () => (await pendingCount()) === 0 && (await redis.xlen(stream)) === 4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await rowCount(ann)).toBe(2);
  });

  it('lists the emails of an address, newest first, to an ADMIN only', async () => {
    const admin = await execute('ANN@example.com', { userId: randomUUID(), role: 'ADMIN' });
    expect(admin.codes).toEqual([]);
    const emails = admin.data!.outboundEmails as Record<string, unknown>[];
    expect(emails).toHaveLength(2);
    for (const email of emails) {
      expect(email).toMatchObject({ to: ann, sentAt: null });
      expect(Number.isNaN(Date.parse(String(email.createdAt)))).toBe(false);
    }
    expect(Date.parse(String(emails[0]!.createdAt))).toBeGreaterThanOrEqual(Date.parse(String(emails[1]!.createdAt)));
    expect(emails.map((email) => email.subject)).toEqual(['Reset your NexaNest password', 'Confirm your NexaNest email']);

    expect((await execute(ann, { userId: randomUUID(), role: 'SUPERUSER' })).codes).toEqual([]);
    expect((await execute(ann, { userId: randomUUID(), role: 'USER' })).codes).toEqual(['FORBIDDEN']);
    expect((await execute(ann, { userId: randomUUID(), role: 'ADVISOR' })).codes).toEqual(['FORBIDDEN']);
    expect((await execute(ann, { userId: randomUUID(), role: 'ADMIN', scopes: ['notifications:read'] })).codes).toEqual(['FORBIDDEN']);
    expect((await execute(ann, null)).codes).toEqual(['UNAUTHENTICATED']);
  });

  it('processes, after a restart, events added while it was stopped and entries left pending, exactly once', async () => {
    for (const created of consumers.splice(0)) await created.stop();
    const bob = 'bob@example.com';
    const whileStopped = { id: randomUUID(), ...tokenEvent(bob) };
    const leftPending = { id: randomUUID(), ...tokenEvent(bob) };
    await publish(whileStopped.id, 'email_verification.requested', whileStopped);
    await publish(leftPending.id, 'password_reset.requested', leftPending);
    // A consumer "crashes" after reading the first entry and before acking it.
    await redis.xreadgroup('GROUP', NOTIFICATIONS_CONSUMER_GROUP, 'crashed-instance', 'COUNT', 1, 'STREAMS', stream, '>');
    expect(await pendingCount()).toBe(1);

    const restarted = consumer('crashed-instance');
    await restarted.start(); // resumes its own pending entry, then reads the new one
    await until(async () => (await rowCount(bob)) === 2 && (await pendingCount()) === 0);

    // Redelivering both (at least once) and a second instance changes nothing.
    const other = consumer();
    await other.start();
    await publish(whileStopped.id, 'email_verification.requested', whileStopped);
    await publish(leftPending.id, 'password_reset.requested', leftPending);
    await until(async () => (await pendingCount()) === 0 && (await redis.xlen(stream)) === 8);
    expect(await rowCount(bob)).toBe(2);
    expect(await rowCount(ann)).toBe(2);
  });

  it('claims the entries a crashed consumer left pending for longer than the idle limit', async () => {
    for (const created of consumers.splice(0)) await created.stop();
    const cat = { id: randomUUID(), ...tokenEvent('cat@example.com') };
    await publish(cat.id, 'email_verification.requested', cat);
    await redis.xreadgroup('GROUP', NOTIFICATIONS_CONSUMER_GROUP, 'gone-for-good', 'COUNT', 10, 'STREAMS', stream, '>');
    expect(await pendingCount()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const claimer = consumer(undefined, 50);
    await claimer.start();
    await until(async () => (await rowCount('cat@example.com')) === 1 && (await pendingCount()) === 0);
  });

  it('dead-letters an email event without an address at once, with the reason and no token', async () => {
    const broken = { id: randomUUID(), ...tokenEvent(''), email: '' };
    await publish(broken.id, 'password_reset.requested', broken);
    await until(async () => (await pendingCount()) === 0 && (await redis.xlen(deadLetterKey(stream))) === 1);
    const deadEntries = await redis.xrange(deadLetterKey(stream), '-', '+');
    const dead = fieldMap(deadEntries[0]![1]);
    expect([dead.get('id'), dead.get('error'), dead.get('attempts')]).toEqual([broken.id, 'email event without address or token', '1']);
    expect(dead.get('error')).not.toContain(broken.token);
  });
});
