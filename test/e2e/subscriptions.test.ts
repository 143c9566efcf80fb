import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startTestStack({ env: { WS_CONNECTION_INIT_TIMEOUT_MS: '1500' } });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.teardown();
});

const connect = (token?: string) => {
  const client = createClient({
    url: stack.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  clients.push(client);
  return client;
};

/** Publishes ticks until `first` settles: the upstream subscription is set up asynchronously. */
async function publishUntil<T>(first: Promise<T>, symbol: string, price: (attempt: number) => string): Promise<T> {
  const admin = await adminClient(stack);
  let settled = false;
  void first.finally(() => (settled = true));
  for (let attempt = 0; attempt < 50 && !settled; attempt++) {
    await admin.request(operation('IngestPrices'), { ticks: [{ symbol, price: price(attempt), time: new Date(Date.now() - 1000 - attempt).toISOString() }] });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return first;
}

describe('subscriptions through the gateway', () => {
  it('resolves each PriceTicksWithPositions event across market, portfolio and market again, per subscriber', async () => {
    const holder = await registerUser(stack, 'holder');
    const bystander = await registerUser(stack, 'bystander');
    const created = await holder.client.request(operation('CreatePortfolio'), { input: { name: 'Tech', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    const portfolioId = created.data?.createPortfolio.id as string;
    const bought = await holder.client.request(operation('RecordTransaction'), {
      input: {
        portfolioId,
        type: 'BUY',
        symbol: 'TSLA',
        quantity: '4',
        price: '200',
        currency: 'USD',
        executedAt: new Date(Date.now() - 60_000).toISOString(),
      },
    });
    expect(bought.errors).toBeUndefined();

    const query = operation('PriceTicksWithPositions');
    const holderEvents = connect(holder.token).iterate({ query, variables: { symbols: ['TSLA'] } });
    const bystanderEvents = connect(bystander.token).iterate({ query, variables: { symbols: ['TSLA'] } });
    const [holderEvent, bystanderEvent] = await publishUntil(Promise.all([holderEvents.next(), bystanderEvents.next()]), 'TSLA', (n) => `25${n}.5`);

    expect((holderEvent.value as { errors?: unknown }).errors).toBeUndefined();
    const tick = (holderEvent.value as { data: { priceTicks: { price: string; instrument: { myHoldings: unknown[] } } } }).data.priceTicks;
    // marketValue is valued at the latest price when portfolio resolves it: this tick's, or a tick
    // published after it while the event was on its way (publishUntil keeps publishing every 100 ms).
    const attempt = Number(tick.price.slice(2, -2));
    const laterValues = Array.from({ length: 50 - attempt }, (_, k) => new Decimal(`25${attempt + k}.5`).times(4).toFixed());
    const [holding] = tick.instrument.myHoldings as Array<{ marketValue: { amount: string } }>;
    expect(laterValues).toContain(holding?.marketValue.amount);
    expect(tick.instrument.myHoldings).toEqual([
      { quantity: '4', marketValue: { amount: holding?.marketValue.amount, currency: 'USD' }, portfolio: { id: portfolioId, name: 'Tech' } },
    ]);
    expect((bystanderEvent.value as { data: { priceTicks: { instrument: { myHoldings: unknown[] } } } }).data.priceTicks.instrument.myHoldings).toEqual([]);
    await holderEvents.return?.();
    await bystanderEvents.return?.();
  });

  it('answers an unknown symbol with BAD_USER_INPUT from the market subgraph, then completes', async () => {
    const events = connect().iterate({ query: operation('PriceTicks'), variables: { symbols: ['NOT_A_SYMBOL'] } });
    const first = await events.next();
    expect(first.value).toEqual({
      data: null,
      errors: [
        expect.objectContaining({
          message: 'Unknown symbol: NOT_A_SYMBOL',
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', serviceName: 'market' }),
        }),
      ],
    });
    expect((await events.next()).done).toBe(true);
  });

  it('releases the upstream subscription and its Redis channel as soon as the client completes', async () => {
    const redis = new Redis(testRedisUrl());
    const channel = `${stack.namespace}:prices:QQQ`;
    const listeners = async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];
    try {
      const events = connect().iterate({ query: operation('PriceTicks'), variables: { symbols: ['QQQ'] } });
      const first = events.next(); // no tick is published: the subscription stays quiet
      for (let i = 0; i < 50 && (await listeners()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await listeners()).toBe(1);
      await events.return?.();
      await first;
      for (let i = 0; i < 50 && (await listeners()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await listeners()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('closes a socket that never sends connection_init with 4408, after WS_CONNECTION_INIT_TIMEOUT_MS', async () => {
    const socket = new WebSocket(stack.wsUrl, 'graphql-transport-ws');
    const opened = Date.now();
    const closed = await new Promise<{ code: number; afterMs: number }>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('close', (code) => resolve({ code, afterMs: Date.now() - opened }));
    });
    expect(closed.code).toBe(4408);
    // The configured 1.5 s, not at once and not the gateway's default of 10 s (the bound is loose: a busy machine closes late).
    expect(closed.afterMs).toBeGreaterThanOrEqual(1400);
    expect(closed.afterMs).toBeLessThan(9000);
  });

  it('refuses a connection whose token is forged', async () => {
    const events = connect('forged.token.value').iterate({ query: operation('PriceTicks'), variables: { symbols: ['AAPL'] } });
    await expect(events.next()).rejects.toMatchObject({ code: 4403 });
  });
});
