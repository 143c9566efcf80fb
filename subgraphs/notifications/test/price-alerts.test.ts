import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, connectRedis, createBus, type Redis } from '@nexanest/bus';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, dropRedisNamespace, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { type AlertEvaluator, createAlertEvaluator, priceChannel } from '../src/alert-evaluator.ts';
import { schema, type NotificationsPool } from '../src/db/index.ts';
import { notificationPreferences, outboundEmails } from '../src/db/schema/index.ts';
import { notificationChannel, type PublishedNotification } from '../src/notification-channel.ts';
import { insertPriceAlert, type NewPriceAlert } from '../src/price-alerts-store.ts';

let database: TestDatabase;
let pool: NotificationsPool;
let redis: Redis;
const namespace = uniqueName('notif_alerts');
const logger = createLogger('notifications-alerts-test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');
const buses: Bus[] = [];
const evaluators: AlertEvaluator[] = [];
const bus = () => {
  const created = createBus({ redisUrl: testRedisUrl(), namespace });
  buses.push(created);
  return created;
};
let market: Bus; // publishes ticks the way market's ingest does

const evaluator = async () => {
  const created = createAlertEvaluator({ db: pool.db, bus: bus(), logger, appUrl: 'https://app.test' });
  evaluators.push(created);
  await created.start();
  return created;
};

async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until `count` Redis subscribers listen to the symbol's price channel. */
const listening = (symbol: string, count = 1) =>
  until(async () => ((await redis.pubsub('NUMSUB', `${namespace}:${priceChannel(symbol)}`)) as [string, number])[1] >= count);

let clock = Date.parse('2026-11-20T12:00:00.000Z');
/** Publishes a tick (as market does after COMMIT) and returns its time. */
async function tick(symbol: string, price: string, given?: Date): Promise<Date> {
  clock += 1000;
  const at = given ?? new Date(clock);
  await market.publish(priceChannel(symbol), JSON.stringify({ symbol, price, time: at.toISOString(), volume: null, changePercent: null }));
  return at;
}
const evaluatedAt = (alertId: string, at: Date) =>
  until(async () => {
    const rows = await pool.sql`select (extract(epoch from last_tick_at) * 1000)::float8 as ms from price_alerts where id = ${alertId}`;
    return rows[0] !== undefined && Number(rows[0].ms) >= at.getTime();
  });
const alertRow = async (alertId: string) => (await pool.sql`select condition_met, fired_count, last_price from price_alerts where id = ${alertId}`)[0]!;
const notificationsOf = async (userId: string) =>
  pool.sql`select kind, title, body, data from notifications where user_id = ${userId} order by created_at, (data->>'time')`;

const newAlert = (overrides: Partial<NewPriceAlert> & { symbol: string }) =>
  insertPriceAlert(pool.db, {
    userId: randomUUID(),
    condition: 'ABOVE',
    threshold: '100',
    conditionMet: false,
    lastPrice: null,
    lastTickAt: null,
    ...overrides,
  });

beforeAll(async () => {
  database = await createTestDatabase('notifications');
  pool = createPool({ url: database.url, max: 6, schema, applicationName: 'nexanest-notifications-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
  redis = connectRedis(testRedisUrl(), 0);
  market = bus();
});
afterAll(async () => {
  for (const created of evaluators) await created.stop();
  for (const created of buses) await created.close();
  redis?.disconnect();
  await pool?.close();
  await database?.drop();
  await dropRedisNamespace(namespace);
});

describe('price alert evaluation on ticks', () => {
  it('fires once per upward crossing, not on every tick above, and again after the price crossed back', async () => {
    const alert = await newAlert({ symbol: 'AAPL' });
    const received: PublishedNotification[] = [];
    const stop = market.subscribe(notificationChannel(alert.userId), (message) => received.push(JSON.parse(message)));
    await evaluator();
    await listening('AAPL');
    await tick('AAPL', '99');
    const crossing = await tick('AAPL', '101');
    await tick('AAPL', '102.5');
    await tick('AAPL', '100'); // at the threshold is not above it: re-armed
    const last = await tick('AAPL', '100.0001');
    await evaluatedAt(alert.id, last);
    await until(async () => received.length === 2);
    stop();

    const rows = await notificationsOf(alert.userId);
    expect(rows.map((row) => row.data.price)).toEqual(['101', '100.0001']);
    expect(rows[0]).toEqual({
      kind: 'PRICE_ALERT',
      title: 'AAPL is above 100',
      body: `AAPL traded at 101 at ${crossing.toISOString()}, above your alert threshold of 100.`,
      data: { alertId: alert.id, symbol: 'AAPL', condition: 'ABOVE', threshold: '100', price: '101', time: crossing.toISOString() },
    });
    expect(received.map((n) => [n.userId, n.kind, n.data.price])).toEqual([
      [alert.userId, 'PRICE_ALERT', '101'],
      [alert.userId, 'PRICE_ALERT', '100.0001'],
    ]);
    expect(await alertRow(alert.id)).toEqual({ condition_met: true, fired_count: 2, last_price: '100.0001' });
  });

  it('ignores a tick older than the last one evaluated', async () => {
    const alert = await newAlert({ symbol: 'MSFT', condition: 'BELOW', threshold: '50' });
    await evaluator();
    await listening('MSFT');
    const newest = await tick('MSFT', '49.99');
    await tick('MSFT', '60', new Date(newest.getTime() - 500));
    const after = await tick('MSFT', '49');
    await evaluatedAt(alert.id, after);
    // The late tick at 60 would have re-armed the alert and 49 would have fired it again.
    expect(await alertRow(alert.id)).toEqual({ condition_met: true, fired_count: 1, last_price: '49' });
    expect((await notificationsOf(alert.userId)).map((row) => row.title)).toEqual(['MSFT is below 50']);
  });

  it('does not fire an alert created across the threshold until the price crosses back and again', async () => {
    const alert = await newAlert({ symbol: 'NVDA', threshold: '100', conditionMet: true, lastPrice: '120' });
    await evaluator();
    await listening('NVDA');
    await tick('NVDA', '121');
    await tick('NVDA', '99');
    const last = await tick('NVDA', '101');
    await evaluatedAt(alert.id, last);
    expect((await notificationsOf(alert.userId)).map((row) => row.data.price)).toEqual(['101']);
  });

  it('fires exactly once per crossing when two instances hear a storm of ticks', async () => {
    const alert = await newAlert({ symbol: 'TSLA', threshold: '10' });
    const other = await newAlert({ symbol: 'TSLA', threshold: '10', condition: 'BELOW' });
    const [first, second] = [await evaluator(), await evaluator()];
    await listening('TSLA', 2);
    let last = new Date(0);
    for (let i = 0; i < 20; i++) last = await tick('TSLA', i % 2 === 0 ? '9' : '11');
    await evaluatedAt(alert.id, last);
    await first.settled();
    await second.settled();
    expect((await notificationsOf(alert.userId)).length).toBe(10);
    expect((await alertRow(alert.id)).fired_count).toBe(10);
    expect((await notificationsOf(other.userId)).length).toBe(10); // 9 is below 10 on ticks 0, 2, ... 18
  });

  it('never fires an inactive alert', async () => {
    const alert = await newAlert({ symbol: 'AMZN' });
    await pool.sql`update price_alerts set active = false where id = ${alert.id}`;
    const live = await newAlert({ symbol: 'AMZN' });
    await evaluator();
    await listening('AMZN');
    const at = await tick('AMZN', '150');
    await evaluatedAt(live.id, at);
    expect(await notificationsOf(alert.userId)).toEqual([]);
    expect(await alertRow(alert.id)).toEqual({ condition_met: false, fired_count: 0, last_price: null });
  });

  it('follows the owner preferences: no price alerts, email only, or in-app without a known address', async () => {
    const muted = await newAlert({ symbol: 'JPM' });
    await pool.db.insert(notificationPreferences).values({ userId: muted.userId, priceAlerts: false });
    const emailOnly = await newAlert({ symbol: 'JPM' });
    await pool.db.insert(notificationPreferences).values({ userId: emailOnly.userId, inAppEnabled: false });
    await pool.db
      .insert(outboundEmails)
      .values({ eventId: randomUUID(), userId: emailOnly.userId, toAddress: 'eve@example.com', subject: 's', body: 'b', kind: 'email_verification' });
    const noAddress = await newAlert({ symbol: 'JPM' });
    await evaluator();
    await listening('JPM');
    const at = await tick('JPM', '250');
    for (const alert of [muted, emailOnly, noAddress]) await evaluatedAt(alert.id, at);

    expect(await notificationsOf(muted.userId)).toEqual([]);
    expect((await alertRow(muted.id)).condition_met).toBe(true); // still follows the price
    expect(await notificationsOf(emailOnly.userId)).toEqual([]);
    const emails = await pool.sql`select to_address, subject, body, kind, event_id from outbound_emails where kind = 'price_alert'`;
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to_address: 'eve@example.com', subject: 'NexaNest price alert: JPM is above 100', kind: 'price_alert' });
    expect(emails[0]!.body).toContain('JPM traded at 250');
    expect((await notificationsOf(noAddress.userId)).map((row) => row.title)).toEqual(['JPM is above 100']);
  });
});
