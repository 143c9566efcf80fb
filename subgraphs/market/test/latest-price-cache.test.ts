import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { dropRedisNamespace, testRedisUrl } from '@nexanest/testing';
import { createLoaders } from '../src/loaders.ts';
import { latestPriceKey, MARKET_REDIS_DB } from '../src/cache/latest-price-cache.ts';
import { ingestTicks } from '../src/services/ingest-ticks.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

let kit: MarketTestKit;
let redis: Redis;
const now = new Date('2026-11-21T15:00:00Z');

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
  redis = new Redis(testRedisUrl(), { db: MARKET_REDIS_DB });
});

afterAll(async () => {
  redis?.disconnect();
  await kit?.close();
});

const cached = async (symbol: string) => {
  const text = await redis.get(latestPriceKey(kit.namespace, symbol));
  return text ? (JSON.parse(text) as { price: string; time: string; high: string; revision: number }) : null;
};
const loaders = () => createLoaders({ sql: kit.pool.sql, latestPriceCache: kit.latestPriceCache });

describe('latest price in Redis DB 1', () => {
  it('is written after the commit of an ingest, under <namespace>:{price:latest}:<SYMBOL>', async () => {
    await ingestTicks(kit.ingestDeps, [{ symbol: 'AMZN', price: '180.5', time: new Date('2026-11-21T14:00:00Z'), volume: '3' }]);
    expect(await cached('AMZN')).toMatchObject({ price: '180.5', time: '2026-11-21T14:00:00.000Z', high: '180.5' });
    expect(await redis.ttl(latestPriceKey(kit.namespace, 'AMZN'))).toBeGreaterThan(0);
  });

  it('keeps the newest state when ticks come out of order: an older tick moves the day range, never the price', async () => {
    await ingestTicks(kit.ingestDeps, [{ symbol: 'AMZN', price: '170', time: new Date('2026-11-21T13:00:00Z') }]);
    expect(await cached('AMZN')).toMatchObject({ price: '180.5', time: '2026-11-21T14:00:00.000Z', high: '180.5' });
    const [row] = await kit.pool.sql`select low, revision::text as revision from market_data.latest_prices where symbol = 'AMZN'`;
    expect(row?.low).toBe('170');
    expect(String((await cached('AMZN'))?.revision)).toBe(row?.revision);
  });

  it('never lets an older revision replace a newer one', async () => {
    const current = await cached('AMZN');
    await kit.latestPriceCache.putMany([
      {
        symbol: 'AMZN',
        price: '1',
        time: new Date('2026-11-21T14:30:00Z'),
        day: '2026-11-21',
        open: '1',
        openTime: new Date('2026-11-21T14:30:00Z'),
        high: '1',
        low: '1',
        volume: null,
        prevClose: null,
        revision: (current?.revision ?? 0) - 1,
      },
    ]);
    expect((await cached('AMZN'))?.price).toBe('180.5');
  });

  it('answers reads from Redis first: the database is not asked for a cached symbol', async () => {
    // A value only Redis has proves where the answer came from.
    const current = await cached('AMZN');
    await redis.set(latestPriceKey(kit.namespace, 'AMZN'), JSON.stringify({ ...current, price: '181.25' }));
    expect((await loaders().latestPrice.load('AMZN'))?.price).toBe('181.25');
  });

  it('rebuilds from the database after the cache is flushed, and refills it', async () => {
    await dropRedisNamespace(kit.namespace);
    expect(await cached('AMZN')).toBeNull();
    const row = await loaders().latestPrice.load('AMZN');
    expect(row).toMatchObject({ symbol: 'AMZN', price: '180.5', low: '170' });
    expect(await cached('AMZN')).toMatchObject({ price: '180.5', low: '170' });
    expect(await loaders().latestPrice.load('NVDA')).toBeNull();
    expect(await cached('NVDA')).toBeNull();
  });
});
