import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Decimal } from 'decimal.js';
import { createClient, type Client } from 'graphql-ws';
import { createBus, type Bus } from '@nexanest/bus';
import { createLogger, signIdentity } from '@nexanest/graphql';
import { createTestDatabase, testRedisUrl, uniqueName, type TestDatabase, dropRedisNamespace } from '@nexanest/testing';
import { createSimulator, loadMarketEnv, marketEnvSchema, seedDemoMarketData, startMarketService, type MarketServiceHandle } from '../src/index.ts';
import type { TickInput } from '../src/domain/tick-validation.ts';

const namespace = uniqueName('market_service');

let database: TestDatabase;
let bus: Bus;
let service: MarketServiceHandle;
let client: Client | undefined;
const env = () =>
  marketEnvSchema.parse({ TIMESCALE_DATABASE_URL: database.url, MARKET_SIMULATOR: 'on', MARKET_SIMULATOR_INTERVAL_MS: '100', LOG_LEVEL: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase('market');
  bus = createBus({ redisUrl: testRedisUrl(), namespace });
  service = await startMarketService({ env: env(), logger: createLogger('market-test', 'silent'), bus, port: 0 });
});

afterAll(async () => {
  await client?.dispose();
  await service?.close();
  await bus?.close();
  await database?.drop();
  await dropRedisNamespace(namespace);
});

describe('market service', () => {
  it('serves GraphQL over HTTP and trusts only the gateway-signed identity', async () => {
    const post = async (headers: Record<string, string>) => {
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: 'mutation { ingestPrices(ticks: []) { accepted } }' }),
      });
      return (await response.json()) as { data?: { ingestPrices: { accepted: number } }; errors?: { extensions: { code: string } }[] };
    };
    const token = await signIdentity({ userId: 'admin', role: 'ADMIN' }, env().GATEWAY_IDENTITY_SECRET);
    expect((await post({ 'x-nexanest-identity': token })).data?.ingestPrices.accepted).toBe(0);
    expect((await post({ 'x-nexanest-identity': 'forged' })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('streams simulated ticks to a graphql-ws subscriber once prices exist', async () => {
    const token = await signIdentity({ userId: 'u1', role: 'USER' }, env().GATEWAY_IDENTITY_SECRET);
    client = createClient({
      url: service.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { 'x-nexanest-identity': token },
      retryAttempts: 0,
    });
    const ticks = client.iterate<{ priceTicks: { symbol: string; price: string; instrument: { name: string } } }>({
      query: 'subscription { priceTicks(symbols: ["AAPL"]) { symbol price instrument { name } } }',
    });
    await seedDemoMarketData(service.pool.sql, { days: 5, endDate: new Date(Date.now() - 60_000) });
    const first = await ticks.next();
    expect(first.value?.data?.priceTicks).toMatchObject({ symbol: 'AAPL', instrument: { name: 'Apple Inc.' } });
    expect(first.value?.data?.priceTicks.price).toMatch(/^\d+\.\d{2}$/);
    await ticks.return?.(undefined);
  });

  it('refuses to boot in production without an explicit time-series database URL', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), GATEWAY_IDENTITY_SECRET: 'g'.repeat(40), REDIS_URL: 'redis://cache:6379' };
    expect(() => loadMarketEnv(production)).toThrow(/TIMESCALE_DATABASE_URL/);
    expect(loadMarketEnv({ ...production, TIMESCALE_DATABASE_URL: 'postgres://db:5432/timescale' }).TIMESCALE_DB_POOL_SIZE).toBe(10);
  });

  it('keeps the simulator off in production unless asked, and refuses it when asked', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'j'.repeat(40),
      GATEWAY_IDENTITY_SECRET: 'g'.repeat(40),
      REDIS_URL: 'redis://cache:6379',
      TIMESCALE_DATABASE_URL: 'postgres://db:5432/timescale',
    };
    expect(loadMarketEnv(production).MARKET_SIMULATOR).toBe('off');
    expect(() => loadMarketEnv({ ...production, MARKET_SIMULATOR: 'on' })).toThrow(/MARKET_SIMULATOR/);
    expect(loadMarketEnv({}).MARKET_SIMULATOR).toBe('on');
  });
});

describe('price simulator', () => {
  const run = async (seed: number) => {
    const batches: TickInput[][] = [];
    const simulator = createSimulator({
      ingest: async (ticks) => {
        batches.push([...ticks]);
        return { accepted: ticks.length, rejected: [] };
      },
      symbols: ['AAPL', 'SAP', 'HSBA'],
      intervalMs: 1000,
      seed,
      now: () => new Date('2026-11-20T15:00:00Z'),
      latestPrices: async (symbols) =>
        new Map(
          [
            ['AAPL', '190.00'],
            ['SAP', '175.50'],
            ['HSBA', '6.5120'],
          ].filter(([symbol]) => symbols.includes(symbol!)) as [string, string][],
        ),
    });
    for (let i = 0; i < 20; i++) await simulator.step();
    return batches;
  };

  it('walks deterministically from the latest prices, one batch per step, keeping prices positive', async () => {
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(20);
    expect(a.flat().every((tick) => new Decimal(String(tick.price)).gt(0))).toBe(true);
    expect(a[0]?.map((tick) => tick.symbol)).toEqual(['AAPL', 'SAP', 'HSBA']);
    expect(String(a[19]?.[2]?.price)).toMatch(/^\d+\.\d{4}$/);
  });
});
