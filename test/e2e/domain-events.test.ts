import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

type User = Awaited<ReturnType<typeof registerUser>>;
interface Added {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

let stack: TestStack;
let redis: Redis;
let ann: User;
const sockets: Client[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  ann = await registerUser(stack, 'events_ann');
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  redis?.disconnect();
  await stack?.teardown();
});

/** notificationAdded over graphql-ws through the gateway; resolves once the subgraph listens on the user's channel. */
async function subscribe(user: User) {
  const socket = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${user.token}` } });
  sockets.push(socket);
  const events = socket.iterate<{ notificationAdded: Added }>({ query: operation('NotificationAdded') });
  const first = events.next();
  const channel = `${stack.namespace}:notifications:${user.userId}`;
  for (let i = 0; i < 100 && ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 0; i++) await new Promise((r) => setTimeout(r, 50));
  return { first, close: () => events.return?.() };
}

describe('domain events end to end', () => {
  it('RecordTransaction -> portfolio outbox -> stream -> notifications -> notificationAdded of the owner', async () => {
    const subscriber = await subscribe(ann);
    const created = await ann.client.request(operation('CreatePortfolio'), { input: { name: 'Events', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    expect(created.errors).toBeUndefined();
    const portfolioId = created.data?.createPortfolio.id as string;
    const recorded = await ann.client.request(operation('RecordTransaction'), {
      input: { portfolioId, type: 'DEPOSIT', amount: '1250.75', currency: 'USD', executedAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(recorded.errors).toBeUndefined();
    const transactionId = recorded.data?.recordTransaction.id as string;

    const result = await subscriber.first;
    expect(result.done).toBe(false);
    const added = (result.value as { data: { notificationAdded: Added } }).data.notificationAdded;
    expect(added).toMatchObject({ kind: 'TRANSACTION', title: 'Transaction recorded: DEPOSIT' });
    expect(added.body).toContain('1250.75 USD');
    expect(added.data).toMatchObject({ transactionId, portfolioId, amount: '1250.75', currency: 'USD' });
    await subscriber.close();

    // The event went through the stream once and the notifications group acknowledged it.
    const entries = await redis.xrange(`${stack.namespace}:events`, '-', '+');
    const topics = entries.map(([, fields]) => fields[fields.indexOf('topic') + 1]);
    expect(topics.filter((topic) => topic === 'transaction.recorded')).toHaveLength(1);
    // (The ack follows the publish: wait for it.)
    const pending = async () => ((await redis.xpending(`${stack.namespace}:events`, 'notifications')) as [number])[0];
    for (let i = 0; i < 100 && (await pending()) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await pending()).toBe(0);
  });
});
