import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { type PrivateRedis, startPrivateRedis } from '../../infrastructure/test/support/private-redis.ts';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The whole stack over a redis-server of this test's own (never the shared one on 6379), which
 * is stopped and started again under open subscriptions, a stream consumer and a warm cache:
 * once with its data (AOF), once coming back empty.
 */
let redis: PrivateRedis;
let stack: TestStack;
let admin: Awaited<ReturnType<typeof adminClient>>;
let ws: Client;
const closes: number[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis({ appendonly: true });
  stack = await startTestStack({ redisUrl: redis.url });
  admin = await adminClient(stack);
  ws = createClient({
    url: stack.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: { closed: (event) => void closes.push((event as { code: number }).code) },
  });
});
afterAll(async () => {
  await ws?.dispose();
  await stack?.teardown();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let priceStep = 0;
const ingest = (symbol: string) =>
  admin.request(operation('IngestPrices'), { ticks: [{ symbol, price: `${300 + ++priceStep}.25`, time: new Date(Date.now() - 1000).toISOString() }] });

/** Ingests ticks until `next` settles (subscriptions are set up, and Redis re-subscribed, asynchronously). */
async function ingestUntil<T>(next: Promise<T>, symbol: string): Promise<T> {
  let settled = false;
  const settle = () => {
    settled = true;
  };
  void next.then(settle, settle);
  for (let attempt = 0; attempt < 100 && !settled; attempt++) {
    await ingest(symbol);
    await sleep(100);
  }
  return next;
}

/** Polls until `read` returns something `done` accepts; gives up after ~10 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 100 && !done(value); attempt++) {
    await sleep(100);
    value = await read();
  }
  return value;
}

/** A signed-in socket opened now: the close code it gets, or 0 when it was accepted. */
async function closeCodeOfSignedInSocket(token: string): Promise<number> {
  const socket = new WebSocket(stack.wsUrl, 'graphql-transport-ws');
  return new Promise((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close();
        resolve(0);
      }
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

const emailsTo = async (to: string) => ((await admin.request(operation('OutboundEmails'), { to })).data?.outboundEmails ?? []) as Array<{ subject: string }>;

const groupOf = (namespace: string) =>
  redis.use(0, async (client) => {
    const groups = (await client.xinfo('GROUPS', `${namespace}:events`)) as unknown[][];
    const fields = groups[0] ?? [];
    const field = (name: string) => fields[fields.indexOf(name) + 1];
    return { pending: Number(field('pending')), lastDeliveredId: String(field('last-delivered-id')), lag: Number(field('lag')) };
  });

const latestPrice = async (symbol: string) => {
  const to = new Date();
  const answer = await stack.client.request(operation('Instrument'), { symbol, from: new Date(to.getTime() - 86_400_000).toISOString(), to: to.toISOString() });
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data?.instrument?.latestPrice?.price as string | undefined;
};
const cachedRevision = (symbol: string) =>
  redis.use(1, async (client) => {
    const text = await client.get(`${stack.namespace}:price:latest:${symbol}`);
    return text ? (JSON.parse(text) as { revision: number; price: string }) : null;
  });

describe('Redis restarts', () => {
  let ticks: AsyncIterableIterator<unknown>;

  it('with its data: the open subscription resumes, the email consumer goes on from where it was, nothing is lost', async () => {
    const user = await registerUser(stack, 'redis_restart');
    expect(
      await eventually(
        () => emailsTo(user.email),
        (emails) => emails.length === 1,
      ),
    ).toHaveLength(1);
    const before = await groupOf(stack.namespace);
    expect(before.pending).toBe(0);

    ticks = ws.iterate({ query: operation('PriceTicks'), variables: { symbols: ['MSFT'] } });
    expect(await ingestUntil(ticks.next(), 'MSFT')).toMatchObject({ done: false, value: { data: { priceTicks: { symbol: 'MSFT' } } } });

    await redis.halt({ save: true });
    // While Redis is away: the reset email is committed to auth's outbox and waits there.
    expect((await stack.client.request(operation('RequestPasswordReset'), { email: user.email })).data?.requestPasswordReset).toBe(true);
    // Signed-in callers cannot have their session checked: refused with a coded error to retry, not let through.
    expect(await user.client.request(operation('Me'))).toEqual({
      status: 503,
      errors: [
        {
          message: 'Context creation failed: Sign-in cannot be checked right now; try again shortly',
          extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'SESSION_STORE_UNAVAILABLE' },
        },
      ],
    });
    expect(await closeCodeOfSignedInSocket(user.token)).toBe(1013);
    await redis.restart();
    expect((await user.client.request(operation('Me'))).data?.me.email).toBe(user.email.toLowerCase());

    // The group kept its place: the first event is not delivered again.
    expect((await groupOf(stack.namespace)).lastDeliveredId >= before.lastDeliveredId).toBe(true);
    const emails = await eventually(
      () => emailsTo(user.email),
      (list) => list.length === 2,
    );
    expect(emails.map((email) => email.subject).sort()).toEqual(['Confirm your NexaNest email', 'Reset your NexaNest password']);
    expect(await groupOf(stack.namespace)).toMatchObject({ pending: 0, lag: 0 });

    // The same subscription, on the same socket, carries ticks again.
    const resumed = (await ingestUntil(ticks.next(), 'MSFT')) as IteratorResult<{ data: { priceTicks: { price: string } } }>;
    expect(resumed.done).toBe(false);
    expect(resumed.value.data.priceTicks.price).toMatch(/^3\d\d\.25$/);
    expect(closes).toEqual([]);
  });

  it('empty: the cache is rebuilt from the database, the consumer group is made again, the subscription resumes', async () => {
    await ingest('MSFT');
    const price = await latestPrice('MSFT');
    const cached = await cachedRevision('MSFT');
    expect(cached?.price).toBe(price);

    await redis.halt({ save: false, wipe: true });
    await redis.restart();
    expect(await cachedRevision('MSFT')).toBeNull();

    // A read misses the cache, answers from PostgreSQL and fills the cache again.
    expect(await latestPrice('MSFT')).toBe(price);
    expect(await cachedRevision('MSFT')).toEqual(cached);

    const user = await registerUser(stack, 'redis_empty');
    expect(
      await eventually(
        () => emailsTo(user.email),
        (emails) => emails.length === 1,
      ),
    ).toHaveLength(1);
    expect(await groupOf(stack.namespace)).toMatchObject({ pending: 0, lag: 0 });

    const resumed = (await ingestUntil(ticks.next(), 'MSFT')) as IteratorResult<{ data: { priceTicks: { symbol: string } } }>;
    expect(resumed).toMatchObject({ done: false, value: { data: { priceTicks: { symbol: 'MSFT' } } } });
    expect(closes).toEqual([]);
    await ticks.return?.();
  });
});
