import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@nexanest/testing';
import type { GatewayClient } from '@nexanest/infrastructure';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

type User = Awaited<ReturnType<typeof registerUser>>;
interface Added {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: { alertId: string; symbol: string; price: string; threshold: string; condition: string };
  createdAt: string;
}

const SYMBOL = 'AMZN';
let stack: TestStack;
let admin: GatewayClient;
let redis: Redis;
let ann: User;
let bob: User;
const sockets: Client[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  admin = await adminClient(stack);
  [ann, bob] = [await registerUser(stack, 'ann'), await registerUser(stack, 'bob')];
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  redis?.disconnect();
  await stack?.teardown();
});

/** Each tick a little later than the one before, never in the future. */
let lastTick = 0;
const nextTickTime = () => {
  lastTick = Math.max(Date.now() - 1, lastTick + 1);
  return new Date(lastTick).toISOString();
};
async function ingest(price: string) {
  const response = await admin.request(operation('IngestPrices'), { ticks: [{ symbol: SYMBOL, price, time: nextTickTime() }] });
  expect(response.errors).toBeUndefined();
  expect(response.data?.ingestPrices.accepted).toBe(1);
}

/** NotificationAdded over graphql-ws as `user`; resolves once the subgraph listens on the user's channel. */
async function subscribe(user: User) {
  const socket = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${user.token}` } });
  sockets.push(socket);
  const events = socket.iterate<{ notificationAdded: Added }>({ query: operation('NotificationAdded') });
  const first = events.next(); // starts the subscription
  const channel = `${stack.namespace}:notifications:${user.userId}`;
  for (let i = 0; i < 100 && ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 0; i++) await new Promise((r) => setTimeout(r, 50));
  let pending: typeof first | null = first;
  return {
    async next(): Promise<Added> {
      const result = await (pending ?? events.next());
      pending = null;
      if (result.done) throw new Error('subscription ended');
      expect(result.value.errors).toBeUndefined();
      return result.value.data!.notificationAdded;
    },
    close: () => events.return?.(),
  };
}

const createAlert = async (client: GatewayClient, input: Record<string, unknown>) => client.request(operation('CreatePriceAlert'), { input });
const codeOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.code;

describe('price alerts and notifications through the gateway', () => {
  let annAlertId = '';
  let annThreshold = '';
  let bobThreshold = '';
  const latencies: number[] = [];

  it('refuses an unknown symbol, a threshold not above 0 and an anonymous caller, writing nothing', async () => {
    const unknown = await createAlert(ann.client, { symbol: 'NOPE_NOT_LISTED', condition: 'ABOVE', threshold: '10' });
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.extensions?.field).toBe('symbol');
    const zero = await createAlert(ann.client, { symbol: SYMBOL, condition: 'ABOVE', threshold: '0' });
    expect(codeOf(zero)).toBe('BAD_USER_INPUT');
    expect(zero.errors?.[0]?.extensions?.field).toBe('threshold');
    expect(codeOf(await createAlert(stack.client, { symbol: SYMBOL, condition: 'ABOVE', threshold: '10' }))).toBe('UNAUTHENTICATED');
    const listed = await ann.client.request('{ me { priceAlerts { id } } }');
    expect(listed.data?.me.priceAlerts).toEqual([]);
  });

  it('creates alerts on an instrument of the universe', async () => {
    const quote = await stack.client.request(`{ instrument(symbol: "${SYMBOL}") { latestPrice { price } } }`);
    const price = new Decimal(quote.data?.instrument.latestPrice.price);
    annThreshold = price.times(1.1).toDecimalPlaces(2).toFixed();
    bobThreshold = price.times(1.5).toDecimalPlaces(2).toFixed();
    const created = await createAlert(ann.client, { symbol: SYMBOL.toLowerCase(), condition: 'ABOVE', threshold: annThreshold });
    expect(created.errors).toBeUndefined();
    expect(created.data?.createPriceAlert).toEqual({ id: expect.any(String), symbol: SYMBOL, condition: 'ABOVE', threshold: annThreshold, active: true });
    annAlertId = created.data?.createPriceAlert.id;
    expect((await createAlert(bob.client, { symbol: SYMBOL, condition: 'ABOVE', threshold: bobThreshold })).errors).toBeUndefined();
  });

  it('delivers each crossing to its owner once, and nothing to another subscribed user', async () => {
    const annEvents = await subscribe(ann);
    const bobEvents = await subscribe(bob);
    const above = new Decimal(annThreshold).plus('0.5').toFixed();

    const sent = performance.now();
    await ingest(above);
    const answered = performance.now();
    const first = await annEvents.next();
    latencies.push(performance.now() - answered);
    expect(first).toMatchObject({ kind: 'PRICE_ALERT', title: `${SYMBOL} is above ${annThreshold}` });
    expect(first.data).toMatchObject({ alertId: annAlertId, symbol: SYMBOL, condition: 'ABOVE', threshold: annThreshold, price: above });
    console.log(`alert latency: ${(performance.now() - sent).toFixed(1)} ms from IngestPrices sent, ${latencies[0]!.toFixed(1)} ms after its response`);

    // Still above: no notification. Then below (re-armed) and above again: the next event is that
    // second crossing, so the tick in between fired nothing (events arrive in order).
    await ingest(new Decimal(above).plus(1).toFixed());
    await ingest(new Decimal(annThreshold).minus(1).toFixed());
    const again = new Decimal(annThreshold).plus('0.25').toFixed();
    await ingest(again);
    const answeredAgain = performance.now();
    const second = await annEvents.next();
    latencies.push(performance.now() - answeredAgain);
    expect(second.data).toMatchObject({ alertId: annAlertId, price: again });

    // Bob was subscribed all along: his first event is his own alert, crossing now.
    const bobAbove = new Decimal(bobThreshold).plus(1).toFixed();
    await ingest(bobAbove);
    const bobFirst = await bobEvents.next();
    expect(bobFirst.data).toMatchObject({ symbol: SYMBOL, threshold: bobThreshold, price: bobAbove });
    expect(bobFirst.data.alertId).not.toBe(annAlertId);
    // And Ann's next one is not Bob's (Ann's alert stays above: nothing for her).
    await ingest(new Decimal(annThreshold).minus(2).toFixed());
    await ingest(new Decimal(annThreshold).plus(2).toFixed());
    expect((await annEvents.next()).data).toMatchObject({ alertId: annAlertId, price: new Decimal(annThreshold).plus(2).toFixed() });
    await annEvents.close();
    await bobEvents.close();
    console.log(`alert latency after the IngestPrices response, per crossing: ${latencies.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  });

  it('lists the notifications newest first, with pages, counts and preferences', async () => {
    const list = await ann.client.request(operation('Notifications'));
    expect(list.errors).toBeUndefined();
    const connection = list.data?.me.notifications;
    expect(connection).toMatchObject({ totalCount: 3, unreadCount: 3, pageInfo: { hasNextPage: false } });
    expect(connection.edges.map((edge: { node: Added }) => edge.node.data.price)).toEqual([
      new Decimal(annThreshold).plus(2).toFixed(),
      new Decimal(annThreshold).plus('0.25').toFixed(),
      new Decimal(annThreshold).plus('0.5').toFixed(),
    ]);
    expect(connection.edges[0].node).toMatchObject({ kind: 'PRICE_ALERT', readAt: null });
    expect(list.data?.me.notificationPreferences).toMatchObject({ inAppEnabled: true, priceAlerts: true });

    const PAGE = 'query($after: String) { me { notifications(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }';
    const page1 = (await ann.client.request(PAGE)).data?.me.notifications;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await ann.client.request(PAGE, { after: page1.pageInfo.endCursor })).data?.me.notifications;
    expect(page2).toMatchObject({ pageInfo: { hasNextPage: false } });
    expect([...page1.edges, ...page2.edges].map((edge: { node: { id: string } }) => edge.node.id)).toEqual(
      connection.edges.map((edge: { node: { id: string } }) => edge.node.id),
    );
    expect((await bob.client.request(operation('Notifications'))).data?.me.notifications.totalCount).toBe(1);
  });

  it('answers NOT_FOUND when another user marks a notification read, and changes nothing', async () => {
    const newest = (await ann.client.request(operation('Notifications'))).data?.me.notifications.edges[0].node.id as string;
    const attempt = await bob.client.request(operation('MarkNotificationRead'), { id: newest });
    expect(codeOf(attempt)).toBe('NOT_FOUND');
    expect(attempt.data).toBeNull();
    expect(codeOf(await stack.client.request(operation('MarkNotificationRead'), { id: newest }))).toBe('UNAUTHENTICATED');
    expect((await ann.client.request(operation('Notifications'))).data?.me.notifications.unreadCount).toBe(3);

    const marked = await ann.client.request(operation('MarkNotificationRead'), { id: newest });
    expect(marked.data?.markNotificationRead).toEqual({ id: newest, readAt: expect.any(String) });
    expect((await ann.client.request(operation('Notifications'))).data?.me.notifications.unreadCount).toBe(2);
    expect((await ann.client.request(operation('MarkAllNotificationsRead'))).data).toEqual({ markAllNotificationsRead: 2 });
    expect((await ann.client.request(operation('Notifications'))).data?.me.notifications.unreadCount).toBe(0);
    expect((await bob.client.request(operation('Notifications'))).data?.me.notifications.unreadCount).toBe(1);
  });

  it('lets only the owner switch an alert off or delete it', async () => {
    const OFF = 'mutation($id: ID!) { deactivatePriceAlert(id: $id) { id active } }';
    const DELETE = 'mutation($id: ID!) { deletePriceAlert(id: $id) }';
    expect(codeOf(await bob.client.request(OFF, { id: annAlertId }))).toBe('NOT_FOUND');
    expect(codeOf(await bob.client.request(DELETE, { id: annAlertId }))).toBe('NOT_FOUND');
    expect((await ann.client.request(OFF, { id: annAlertId })).data?.deactivatePriceAlert).toEqual({ id: annAlertId, active: false });
    expect((await ann.client.request('{ me { priceAlerts(activeOnly: true) { id } } }')).data?.me.priceAlerts).toEqual([]);
    expect((await ann.client.request(DELETE, { id: annAlertId })).data).toEqual({ deletePriceAlert: annAlertId });
    expect((await ann.client.request('{ me { priceAlerts { id } } }')).data?.me.priceAlerts).toEqual([]);
    expect((await bob.client.request('{ me { priceAlerts { threshold active } } }')).data?.me.priceAlerts).toEqual([{ threshold: bobThreshold, active: true }]);
  });
});

describe('price alerts in the single-process mode without Redis', () => {
  it('still reach their owner over graphql-ws (the in-process bus)', async () => {
    const local = await startTestStack({ redis: false });
    try {
      const owner = await registerUser(local, 'solo');
      const created = await owner.client.request(operation('CreatePriceAlert'), { input: { symbol: 'QQQ', condition: 'BELOW', threshold: '1' } });
      expect(created.errors).toBeUndefined();
      const client = createClient({
        url: local.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${owner.token}` },
      });
      sockets.push(client);
      const events = client.iterate<{ notificationAdded: Added }>({ query: operation('NotificationAdded') });
      const first = events.next();
      let settled = false;
      void first.finally(() => (settled = true));
      const localAdmin = await adminClient(local);
      // The subscription is set up asynchronously: cross the threshold (up, then down) until it hears one.
      for (let attempt = 0; attempt < 50 && !settled; attempt++) {
        for (const price of ['2', '0.5']) {
          lastTick = Math.max(Date.now() - 1, lastTick + 1);
          await localAdmin.request(operation('IngestPrices'), { ticks: [{ symbol: 'QQQ', price, time: new Date(lastTick).toISOString() }] });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const event = (await first).value as { data: { notificationAdded: Added } };
      expect(event.data.notificationAdded).toMatchObject({ kind: 'PRICE_ALERT', title: 'QQQ is below 1', data: { price: '0.5' } });
      await events.return?.();
    } finally {
      await local.teardown();
    }
  });
});
