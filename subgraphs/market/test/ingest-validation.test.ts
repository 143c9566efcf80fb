import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { ingestTicks, priceChannel } from '../src/services/ingest-ticks.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

let kit: MarketTestKit;
const now = new Date('2026-11-21T15:00:00Z');

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
});

afterAll(async () => {
  await kit?.close();
});

/** Collects what is published on `channel` until a message with `until` as price arrives. */
function collectUntil(channel: string, until: string): { ready: Promise<void>; messages: Promise<{ price: string; time: string }[]> } {
  const seen: { price: string; time: string }[] = [];
  let unsubscribe = () => {};
  const messages = new Promise<{ price: string; time: string }[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${until} on ${channel}`)), 5000);
    unsubscribe = kit.bus.subscribe(channel, (message) => {
      const tick = JSON.parse(message) as { price: string; time: string };
      seen.push(tick);
      if (tick.price === until) {
        clearTimeout(timer);
        unsubscribe();
        resolve(seen);
      }
    });
  });
  // Redis SUBSCRIBE is asynchronous: give it a moment before publishing.
  return { ready: new Promise((resolve) => setTimeout(resolve, 150)), messages };
}

describe('ingest validation', () => {
  it('tells how many ticks were accepted and why each other one was not', async () => {
    const result = await ingestTicks(kit.ingestDeps, [
      { symbol: 'GOOGL', price: '170.5', time: new Date('2026-11-21T14:00:00Z') },
      { symbol: 'GOOGL', price: 'abc', time: new Date('2026-11-21T14:01:00Z') },
      { symbol: 'GOOGL', price: '1e3', time: new Date('2026-11-21T14:02:00Z') },
      { symbol: 'GOOGL', price: '-3', time: new Date('2026-11-21T14:03:00Z') },
      { symbol: 'GOOGL', price: new Decimal('0'), time: new Date('2026-11-21T14:04:00Z') },
      { symbol: 'GOOGL', price: '171', time: new Date(now.getTime() + 6_000) },
      { symbol: 'GOOGL', price: '171', time: new Date(Number.NaN) },
      { symbol: 'GOOGL', price: '171', time: new Date('2026-11-21T14:05:00Z'), volume: 'many' },
      { symbol: 'NOPE', price: '1', time: new Date('2026-11-21T14:06:00Z') },
      { symbol: 'GOOGL', price: ' 172.25 ', time: new Date(now.getTime() + 4_000), volume: '10' },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, symbol: 'GOOGL', reason: 'Price is not a decimal number' },
      { index: 2, symbol: 'GOOGL', reason: 'Price is not a decimal number' },
      { index: 3, symbol: 'GOOGL', reason: 'Price must be positive' },
      { index: 4, symbol: 'GOOGL', reason: 'Price must be positive' },
      { index: 5, symbol: 'GOOGL', reason: 'Time is in the future' },
      { index: 6, symbol: 'GOOGL', reason: 'Time is not a valid instant' },
      { index: 7, symbol: 'GOOGL', reason: 'Volume is not a decimal number' },
      { index: 8, symbol: 'NOPE', reason: 'Unknown symbol NOPE' },
    ]);
    const stored = await kit.pool.sql`select price from market_data.stock_prices where symbol = 'GOOGL' order by time`;
    expect(stored.map((row) => row.price)).toEqual(['170.5', '172.25']);
  });

  it('takes the allowed clock skew from its configuration', async () => {
    const ahead = { symbol: 'GOOGL', price: '173', time: new Date(now.getTime() + 60_000) };
    expect((await ingestTicks(kit.ingestDeps, [ahead])).rejected).toHaveLength(1);
    expect(await ingestTicks({ ...kit.ingestDeps, futureToleranceMs: 120_000 }, [ahead])).toEqual({ accepted: 1, rejected: [] });
  });

  it('publishes nothing for rejected ticks', async () => {
    const { ready, messages } = collectUntil(priceChannel('JPM'), '200.75');
    await ready;
    const refused = await ingestTicks(kit.ingestDeps, [
      { symbol: 'JPM', price: '0', time: new Date('2026-11-21T14:10:00Z') },
      { symbol: 'JPM', price: '199', time: new Date(now.getTime() + 3_600_000) },
    ]);
    expect(refused.accepted).toBe(0);
    // Published after the refused batch on the same connection: it arrives after anything that batch had published.
    await ingestTicks(kit.ingestDeps, [{ symbol: 'JPM', price: '200.75', time: new Date('2026-11-21T14:11:00Z') }]);
    expect((await messages).map((tick) => tick.price)).toEqual(['200.75']);
  });
});
