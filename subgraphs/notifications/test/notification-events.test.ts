import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createBus, eventsStreamKey, type Redis, type StreamConsumer } from '@nexanest/bus';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, dropRedisNamespace, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { schema, type NotificationsPool } from '../src/db/index.ts';
import { createNotificationsEventsConsumer, NOTIFICATIONS_CONSUMER_GROUP } from '../src/events/events-consumer.ts';
import { notificationChannel, type PublishedNotification } from '../src/notification-channel.ts';
import { updatePreferences } from '../src/preferences-store.ts';

let database: TestDatabase;
let pool: NotificationsPool;
let redis: Redis;
let consumer: StreamConsumer;
const namespace = uniqueName('notif_events');
const stream = eventsStreamKey(namespace);
const bus = createBus({ redisUrl: null, namespace });
const logger = createLogger('notification-events-test', 'silent');

const publish = (topic: string, payload: unknown, id: string = randomUUID()) =>
  redis.xadd(stream, '*', 'id', id, 'topic', topic, 'payload', JSON.stringify(payload), 'occurredAt', new Date().toISOString()).then(() => id);
const pending = async () => ((await redis.xpending(stream, NOTIFICATIONS_CONSUMER_GROUP)) as [number, ...unknown[]])[0];
const rows = (userId: string) => pool.sql`select kind, title, body, data from notifications where user_id = ${userId} order by created_at, id`;

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a `notificationAdded` subscriber of this user would receive. */
function listen(userId: string) {
  const received: PublishedNotification[] = [];
  const unsubscribe = bus.subscribe(notificationChannel(userId), (message) => received.push(JSON.parse(message) as PublishedNotification));
  return { received, unsubscribe };
}

beforeAll(async () => {
  database = await createTestDatabase('notif_events');
  pool = createPool({ url: database.url, max: 4, schema, applicationName: 'notification-events-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
  redis = connectRedis(testRedisUrl(), 0);
  consumer = createNotificationsEventsConsumer({ db: pool.db, redis, bus, namespace, logger, appUrl: 'https://app.example', blockMs: 50, claimIdleMs: 100 });
  await consumer.start();
});
afterAll(async () => {
  await consumer?.stop();
  await bus.close();
  redis?.disconnect();
  await dropRedisNamespace(namespace);
  await pool?.close();
  await database?.drop();
});

const recorded = (userId: string) => ({
  userId,
  portfolioId: randomUUID(),
  transactionId: randomUUID(),
  type: 'BUY',
  symbol: 'AAPL',
  quantity: '10',
  amount: '-1502.35',
  currency: 'USD',
  occurredAt: '2026-11-30T15:00:00.000Z',
});

describe('notifications from domain events', () => {
  it('confirms a recorded transaction in-app once, and publishes it to the owner only', async () => {
    const ann = randomUUID();
    const other = randomUUID();
    const annSubscriber = listen(ann);
    const otherSubscriber = listen(other);
    const event = recorded(ann);
    const id = await publish('transaction.recorded', event);
    await publish('transaction.recorded', event, id); // redelivered by the relay
    await until(async () => (await rows(ann)).length === 1 && (await pending()) === 0 && annSubscriber.received.length === 1);
    const [row] = await rows(ann);
    expect(row).toMatchObject({ kind: 'TRANSACTION', title: 'Transaction recorded: BUY 10 AAPL' });
    expect(row!.body).toContain('-1502.35 USD');
    expect(row!.data).toMatchObject({ transactionId: event.transactionId, amount: '-1502.35' });
    expect(annSubscriber.received[0]).toMatchObject({ userId: ann, kind: 'TRANSACTION', title: 'Transaction recorded: BUY 10 AAPL' });
    expect(otherSubscriber.received).toEqual([]);
    annSubscriber.unsubscribe();
    otherSubscriber.unsubscribe();
  });

  it('respects the preferences: no confirmation for a user who turned them off', async () => {
    const bob = randomUUID();
    await updatePreferences(pool.db, bob, { transactionConfirmations: false });
    const skipped = await publish('transaction.recorded', recorded(bob));
    await until(async () => (await pool.sql`select 1 from processed_events where event_id = ${skipped}`).length === 1 && (await pending()) === 0);
    expect(await rows(bob)).toEqual([]);
  });

  it('alerts a new sign-in in-app and by email to the address auth mailed, per preferences', async () => {
    const cat = randomUUID();
    await pool.sql`insert into outbound_emails (event_id, user_id, to_address, subject, body, kind)
      values (${randomUUID()}, ${cat}, 'cat@example.com', 'Confirm', 'link', 'email_verification')`;
    const id = await publish('login.suspicious', { userId: cat, ip: '203.0.113.9' });
    await until(async () => (await rows(cat)).length === 1 && (await pending()) === 0);
    expect((await rows(cat))[0]).toMatchObject({ kind: 'SECURITY', title: 'New sign-in to your account' });
    const [email] = await pool.sql`select to_address, subject, body, kind from outbound_emails where event_id = ${id}`;
    expect(email).toMatchObject({ to_address: 'cat@example.com', kind: 'security_alert', subject: 'NexaNest security alert: New sign-in to your account' });
    expect(email!.body).toContain('203.0.113.9');

    await updatePreferences(pool.db, cat, { emailEnabled: false });
    const quiet = await publish('login.suspicious', { userId: cat, ip: '198.51.100.7' });
    await until(async () => (await rows(cat)).length === 2 && (await pending()) === 0);
    expect(await pool.sql`select 1 from outbound_emails where event_id = ${quiet}`).toHaveLength(0);
  });

  it('tells a user their goal was reached', async () => {
    const dan = randomUUID();
    const goalId = randomUUID();
    await publish('goal.reached', { userId: dan, goalId, portfolioId: randomUUID(), name: 'House' });
    await until(async () => (await rows(dan)).length === 1);
    expect((await rows(dan))[0]).toMatchObject({ kind: 'GOAL', title: 'Goal reached: House' });
  });
});
