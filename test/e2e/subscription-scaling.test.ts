import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { createBus, type Bus } from '@nexanest/bus';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { loadGatewayEnv, startGateway } from '@nexanest/gateway';
import { loadMarketEnv, startMarketService } from '@nexanest/market';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

const logger = createLogger('scaling-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let stack: TestStack;
let redis: Redis;
const clients: Client[] = [];
const extra: ServiceHandle[] = [];
let extraBus: Bus | undefined;

beforeAll(async () => {
  stack = await startTestStack();
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  for (const service of extra.reverse()) await service.close();
  await extraBus?.close();
  redis?.disconnect();
  await stack?.teardown();
});

const connect = (wsUrl: string, token?: string) => {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: token ? { authorization: `Bearer ${token}` } : {} });
  clients.push(client);
  return client;
};

/** Collects every event of a subscription until `stop()`. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const events: any[] = [];
  const stop = client.subscribe({ query, variables }, { next: (event) => events.push(event), error: () => {}, complete: () => {} });
  return { events, stop };
}

const subscribers = async (channel: string) => ((await redis.pubsub('NUMSUB', `${stack.namespace}:${channel}`)) as [string, number])[1];
const waitFor = async (condition: () => Promise<boolean> | boolean, what: string) => {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

let tickTime = Date.now() - 600_000;
async function ingest(symbol: string, price: string) {
  const admin = await adminClient(stack);
  tickTime += 10;
  const answer = await admin.request(operation('IngestPrices'), { ticks: [{ symbol, price, time: new Date(tickTime).toISOString() }] });
  expect(answer.errors).toBeUndefined();
}

describe('subscriptions at scale', () => {
  it('shares one upstream subscription among identical subscriptions, whoever asks', async () => {
    const user = await registerUser(stack, 'ticker');
    const query = operation('PriceTicks');
    const streams = [
      collect(connect(stack.wsUrl), query, { symbols: ['JPM'] }),
      collect(connect(stack.wsUrl), query, { symbols: ['JPM'] }),
      collect(connect(stack.wsUrl, user.token), query, { symbols: ['JPM'] }),
    ];
    await waitFor(async () => (await subscribers('prices:JPM')) > 0, 'the upstream subscription');
    // Three clients, one of them signed in: market is asked once, so one Redis listener.
    expect(await subscribers('prices:JPM')).toBe(1);
    await ingest('JPM', '150.25');
    await waitFor(() => streams.every((s) => s.events.length === 1), 'every client to receive the tick');
    for (const stream of streams) expect(stream.events[0].data.priceTicks).toMatchObject({ symbol: 'JPM', price: '150.25' });
    for (const stream of streams) stream.stop();
    await waitFor(async () => (await subscribers('prices:JPM')) === 0, 'the upstream subscription to end with the last client');
  });

  it("resolves an event's entity fetches once for every subscriber with the same identity", async () => {
    const holder = await registerUser(stack, 'holder');
    const created = await holder.client.request(operation('CreatePortfolio'), { input: { name: 'Banks', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    await holder.client.request(operation('RecordTransaction'), {
      input: {
        portfolioId: created.data?.createPortfolio.id,
        type: 'BUY',
        symbol: 'AGG',
        quantity: '3',
        price: '95',
        currency: 'USD',
        executedAt: new Date(Date.now() - 60_000).toISOString(),
      },
    });
    const query = operation('PriceTicksWithPositions');
    const admin = await adminClient(stack);
    /** Portfolio fetches the gateway made so far, from its own /metrics. */
    const portfolioFetches = async () => {
      const text = await (await fetch(new URL('/metrics', stack.gatewayUrl))).text();
      return [...text.matchAll(/subgraph_fetch_duration_seconds_count\{[^}]*subgraph="portfolio"[^}]*\} (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const fetchesPerTick = async (clientCount: number) => {
      const streams = Array.from({ length: clientCount }, () => collect(connect(stack.wsUrl, holder.token), query, { symbols: ['AGG'] }));
      await waitFor(async () => (await subscribers('prices:AGG')) > 0, 'the upstream subscription');
      await new Promise((resolve) => setTimeout(resolve, 200));
      tickTime += 10;
      const before = await portfolioFetches();
      await admin.request(operation('IngestPrices'), { ticks: [{ symbol: 'AGG', price: '96.5', time: new Date(tickTime).toISOString() }] });
      await waitFor(() => streams.every((s) => s.events.length === 1), 'every subscriber to receive the tick');
      const fetches = (await portfolioFetches()) - before;
      for (const stream of streams) {
        expect(stream.events[0].data.priceTicks.instrument.myHoldings).toEqual([expect.objectContaining({ quantity: '3' })]);
        stream.stop();
      }
      await waitFor(async () => (await subscribers('prices:AGG')) === 0, 'the upstream subscription to end');
      return fetches;
    };
    // One portfolio fetch per tick, whether one or five of the user's clients are subscribed.
    expect(await fetchesPerTick(1)).toBe(1);
    expect(await fetchesPerTick(5)).toBe(1);
  });

  it('delivers every tick to the clients of two gateways over two market replicas, exactly once', async () => {
    extraBus = createBus({ redisUrl: testRedisUrl(), namespace: stack.namespace });
    const base = { NODE_ENV: 'test', REDIS_URL: testRedisUrl(), NEXANEST_NAMESPACE: stack.namespace, LOG_LEVEL: 'silent' };
    const market2 = await startMarketService({
      env: loadMarketEnv({ ...base, TIMESCALE_DATABASE_URL: stack.databases.timescale, MARKET_SIMULATOR: 'off' }),
      logger,
      bus: extraBus,
      port: 0,
    });
    extra.push(market2);
    const gateway2 = await startGateway({ env: loadGatewayEnv(base), logger, subgraphUrls: { ...stack.services, market: market2.url }, port: 0 });
    extra.push(gateway2);
    const query = operation('PriceTicks');
    const first = collect(connect(stack.wsUrl), query, { symbols: ['QQQ'] });
    const second = collect(connect(gateway2.url.replace(/^http/, 'ws')), query, { symbols: ['QQQ'] });
    // One listener per market replica: each gateway subscribed to its own replica.
    await waitFor(async () => (await subscribers('prices:QQQ')) === 2, 'both replicas to listen');
    for (const price of ['401.1', '401.2', '401.3']) await ingest('QQQ', price);
    await waitFor(() => first.events.length >= 3 && second.events.length >= 3, 'both gateways to deliver three ticks');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const prices = (stream: { events: any[] }) => stream.events.map((event) => event.data.priceTicks.price);
    expect(prices(first)).toEqual(['401.1', '401.2', '401.3']);
    expect(prices(second)).toEqual(['401.1', '401.2', '401.3']);
    first.stop();
    second.stop();
  });

  it('keeps serving a fast client while another client stops reading', async () => {
    const query = operation('PriceTicks');
    const fast = collect(connect(stack.wsUrl), query, { symbols: ['SPY'] });
    // A raw graphql-transport-ws client whose socket stops reading after the subscription starts.
    const slow = new WebSocket(stack.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => slow.once('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await new Promise((resolve) => slow.once('message', resolve));
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { symbols: ['SPY'] } } }));
    await waitFor(async () => (await subscribers('prices:SPY')) > 0, 'the upstream subscription');
    await new Promise((resolve) => setTimeout(resolve, 200));
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const admin = await adminClient(stack);
    const start = tickTime;
    tickTime += 10 * 201;
    const ticks = Array.from({ length: 200 }, (_, i) => ({ symbol: 'SPY', price: `${500 + i}.5`, time: new Date(start + 10 * (i + 1)).toISOString() }));
    for (let i = 0; i < ticks.length; i += 50) await admin.request(operation('IngestPrices'), { ticks: ticks.slice(i, i + 50) });
    await waitFor(() => fast.events.length === 200, 'the fast client to receive all 200 ticks');
    expect(fast.events.at(-1).data.priceTicks.price).toBe('699.5');
    fast.stop();
    slow.terminate();
  });

  it('completes every subscription, then closes with 1001, when a gateway shuts down', async () => {
    const base = { NODE_ENV: 'test', REDIS_URL: testRedisUrl(), NEXANEST_NAMESPACE: stack.namespace, LOG_LEVEL: 'silent' };
    const gateway = await startGateway({ env: loadGatewayEnv(base), logger, subgraphUrls: stack.services, port: 0 });
    let closeCode: number | undefined;
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (event) => (closeCode = (event as { code: number }).code) },
    });
    clients.push(client);
    let completed = false;
    client.subscribe(
      { query: operation('PriceTicks'), variables: { symbols: ['NVDA'] } },
      { next: () => {}, error: () => {}, complete: () => (completed = true) },
    );
    await waitFor(async () => (await subscribers('prices:NVDA')) > 0, 'the upstream subscription');
    await gateway.close();
    await waitFor(() => completed && closeCode !== undefined, 'the client to hear the end');
    expect(closeCode).toBe(1001);
    await waitFor(async () => (await subscribers('prices:NVDA')) === 0, 'the upstream subscription to end');
  });
});
