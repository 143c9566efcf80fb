import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, type Bus } from '@nexanest/bus';
import { createLogger, createMarketClient } from '@nexanest/graphql';
import { createTestDatabase, dropRedisNamespace, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { marketEnvSchema, seedDemoMarketData, startMarketService, type MarketServiceHandle } from '../src/index.ts';

// The one client portfolio, analytics and notifications use (packages/graphql), against this
// subgraph's own endpoint: the queries it sends must keep working as market's schema moves.
const namespace = uniqueName('market_client');
let database: TestDatabase;
let bus: Bus;
let service: MarketServiceHandle;
let calls = 0;
const counting: typeof fetch = (input, init) => {
  calls++;
  return fetch(input, init);
};

beforeAll(async () => {
  database = await createTestDatabase('market_client');
  bus = createBus({ redisUrl: testRedisUrl(), namespace });
  const env = marketEnvSchema.parse({ TIMESCALE_DATABASE_URL: database.url, MARKET_SIMULATOR: 'off', LOG_LEVEL: 'silent', NEXANEST_NAMESPACE: namespace });
  service = await startMarketService({ env, logger: createLogger('market-client-test', 'silent'), bus, port: 0 });
  await seedDemoMarketData(service.pool.sql, { days: 5, endDate: new Date(Date.now() - 86_400_000) });
});
afterAll(async () => {
  await service?.close();
  await bus?.close();
  await database?.drop();
  await dropRedisNamespace(namespace);
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('createMarketClient against the market subgraph', () => {
  it("finds an instrument's reference data, keeps it, and never keeps an unknown symbol", async () => {
    const market = createMarketClient({ url: service.url, fetch: counting });
    const before = calls;
    expect(await market.findInstrument('SAP')).toEqual({ symbol: 'SAP', currency: 'EUR', assetClass: 'STOCK' });
    expect(await market.findInstrument('SAP')).toEqual({ symbol: 'SAP', currency: 'EUR', assetClass: 'STOCK' });
    expect(calls - before).toBe(1);
    expect(await market.findInstrument('NOPE')).toBeNull();
    expect(await market.findInstrument('NOPE')).toBeNull();
    expect(calls - before).toBe(3);
  });

  it('asks for a quote afresh every time', async () => {
    const market = createMarketClient({ url: service.url, fetch: counting });
    const before = calls;
    const quote = await market.findQuote('AAPL');
    expect(quote).toMatchObject({ symbol: 'AAPL', latestPrice: { price: expect.stringMatching(/^\d+(\.\d+)?$/), time: expect.any(String) } });
    await market.findQuote('AAPL');
    expect(calls - before).toBe(2);
    expect(await market.findQuote('NOPE')).toBeNull();
  });

  it('reads daily closes as exact decimal strings, and FX rates', async () => {
    const market = createMarketClient({ url: service.url });
    const closes = await market.dailyCloses('AAPL', day(-10), day(0));
    expect(closes?.currency).toBe('USD');
    expect(closes?.closes.length).toBeGreaterThan(0);
    for (const close of closes?.closes ?? [])
      expect(close).toEqual({ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), close: expect.stringMatching(/^\d+(\.\d+)?$/) });
    expect(await market.dailyCloses('NOPE', day(-10), day(0))).toBeNull();
    expect(await market.latestFxRate('EUR', 'USD')).toMatch(/^\d+(\.\d+)?$/);
  });

  it('throws MARKET_UNAVAILABLE when market does not answer', async () => {
    const down = createMarketClient({ url: 'http://127.0.0.1:9/graphql', timeoutMs: 1000 });
    await expect(down.findInstrument('AAPL')).rejects.toMatchObject({ code: 'MARKET_UNAVAILABLE' });
    await expect(down.findQuote('AAPL')).rejects.toMatchObject({ code: 'MARKET_UNAVAILABLE' });
  });
});
