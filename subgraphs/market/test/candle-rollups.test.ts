import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { listCandles } from '../src/db/candles.ts';
import { asDate } from '../src/db/values.ts';
import { CANDLE_INTERVALS, CANDLE_TABLES, type CandleInterval } from '../src/domain/candles.ts';
import { mulberry32 } from '../src/domain/demo-history.ts';
import type { TickInput } from '../src/domain/tick-validation.ts';
import { ingestTicks } from '../src/services/ingest-ticks.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

// Property: whatever the batching, order and repetition of ingest, the rollups equal candles
// computed here, with Decimal, from the raw ticks the database holds.

let kit: MarketTestKit;
const start = Date.parse('2026-10-30T22:30:00Z'); // crosses a month, day, hour and 5-minute boundaries
const span = 3 * 86_400_000;
const now = new Date(start + span + 3_600_000);
const INTERVALS = Object.keys(CANDLE_INTERVALS) as CandleInterval[];

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
});

afterAll(async () => {
  await kit?.close();
});

interface Candle {
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** The oracle: OHLCV per UTC-aligned bucket from raw (time, price, volume) rows. */
function candlesFrom(rows: readonly { time: Date; price: string; volume: string | null }[], interval: CandleInterval): Candle[] {
  const width = CANDLE_INTERVALS[interval].seconds * 1000;
  const buckets = new Map<number, { time: Date; price: Decimal; volume: Decimal }[]>();
  for (const row of rows) {
    const bucket = Math.floor(row.time.getTime() / width) * width;
    const list = buckets.get(bucket) ?? [];
    list.push({ time: row.time, price: new Decimal(row.price), volume: new Decimal(row.volume ?? 0) });
    buckets.set(bucket, list);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, list]) => {
      const ordered = [...list].sort((a, b) => a.time.getTime() - b.time.getTime());
      return {
        time: new Date(bucket).toISOString(),
        open: ordered[0]!.price.toFixed(),
        high: Decimal.max(...ordered.map((t) => t.price)).toFixed(),
        low: Decimal.min(...ordered.map((t) => t.price)).toFixed(),
        close: ordered[ordered.length - 1]!.price.toFixed(),
        volume: ordered.reduce((sum, t) => sum.add(t.volume), new Decimal(0)).toFixed(),
      };
    });
}

const normalized = (candle: { time: Date | string; open: string; high: string; low: string; close: string; volume: string }): Candle => ({
  time: new Date(candle.time).toISOString(),
  open: new Decimal(candle.open).toFixed(),
  high: new Decimal(candle.high).toFixed(),
  low: new Decimal(candle.low).toFixed(),
  close: new Decimal(candle.close).toFixed(),
  volume: new Decimal(candle.volume).toFixed(),
});

function randomTicks(random: () => number, symbols: readonly string[], count: number): TickInput[] {
  const ticks: TickInput[] = [];
  for (let i = 0; i < count; i++) {
    const symbol = symbols[Math.floor(random() * symbols.length)]!;
    // Whole seconds, and clustered, so buckets get several ticks and equal times repeat.
    const time = new Date(start + Math.floor(random() * (span / 1000)) * 1000 * (random() < 0.3 ? 0 : 1) + Math.floor(random() * 40) * 1000);
    const price = new Decimal(Math.floor(random() * 2_000_000) + 1).div(new Decimal(10).pow(Math.floor(random() * 5))).toFixed();
    const volume = random() < 0.2 ? null : String(Math.floor(random() * 1000));
    ticks.push({ symbol, price, time, volume });
  }
  return ticks;
}

function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function batches<T>(random: () => number, items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const size = 1 + Math.floor(random() * 60);
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

async function rawTicks(symbol: string) {
  const rows = await kit.pool.sql<{ time: Date | string; price: string; volume: string | null }[]>`
    select time, price, volume from market_data.stock_prices where symbol = ${symbol}
    union all select time, value, null from market_data.market_indices where symbol = ${symbol}`;
  return rows.map((row) => ({ ...row, time: asDate(row.time) }));
}

describe('candle rollups', () => {
  it.each([1, 2, 3])('equal the candles of the raw ticks for random batches, orders, repeats and concurrency (seed %i)', async (seed) => {
    const random = mulberry32(seed * 7919);
    // Two stocks and an index; later seeds add to what earlier ones stored, which the oracle reads too.
    const symbols = ['AAPL', 'MSFT', 'SPX'];
    const ticks = randomTicks(random, symbols, 700);
    // A third of the ticks come again later, some with another price: the first stored wins.
    const repeats = shuffle(random, ticks)
      .slice(0, 230)
      .map((tick) => (random() < 0.5 ? tick : { ...tick, price: '1.5', volume: '999' }));
    const deps = { ...kit.ingestDeps, now: () => now };
    const all = batches(random, shuffle(random, [...ticks, ...repeats]));
    for (let i = 0; i < all.length; i += 3) {
      // Up to three batches at once: concurrent ingests of the same symbols.
      const results = await Promise.all(all.slice(i, i + 3).map((batch) => ingestTicks(deps, batch)));
      for (const result of results) expect(result.rejected).toEqual([]);
    }

    for (const symbol of symbols) {
      const raw = await rawTicks(symbol);
      expect(raw.length).toBeGreaterThan(100);
      for (const interval of INTERVALS) {
        const from = new Date(Math.floor(start / 86_400_000) * 86_400_000 - 86_400_000);
        const to = new Date(now.getTime() + 86_400_000);
        const stored = await kit.pool.sql<{ time: Date | string; open: string; high: string; low: string; close: string; volume: string }[]>`
          select bucket as time, open, high, low, close, volume from ${kit.pool.sql(`market_data.${CANDLE_TABLES[interval]}`)}
          where symbol = ${symbol} order by bucket`;
        const expected = candlesFrom(raw, interval);
        expect(stored.map(normalized)).toEqual(expected);
        if (interval !== 'ONE_MINUTE') {
          const read = await listCandles(kit.pool.sql, symbol, interval, from, to);
          expect(read.map(normalized)).toEqual(expected);
        }
      }
    }
  });

  it('keeps open and close right when a late tick lands before the open or after the close of a stored bucket', async () => {
    const deps = { ...kit.ingestDeps, now: () => now };
    const at = (iso: string) => new Date(`2026-11-01T10:0${iso}Z`);
    await ingestTicks(deps, [{ symbol: 'NVDA', price: '100', time: at('1:30'), volume: '1' }]);
    await ingestTicks(deps, [{ symbol: 'NVDA', price: '90', time: at('1:10'), volume: '2' }]); // earlier: new open
    await ingestTicks(deps, [{ symbol: 'NVDA', price: '95', time: at('1:50'), volume: '3' }]); // later: new close
    await ingestTicks(deps, [{ symbol: 'NVDA', price: '97', time: at('1:20'), volume: '4' }]); // middle: neither
    await ingestTicks(deps, [{ symbol: 'NVDA', price: '97', time: at('1:20'), volume: '4' }]); // a repeat changes nothing
    const [candle] = await listCandles(kit.pool.sql, 'NVDA', 'ONE_MINUTE', at('1:00'), at('2:00'));
    expect(candle && normalized(candle)).toEqual({ time: at('1:00').toISOString(), open: '90', high: '100', low: '90', close: '95', volume: '10' });
  });
});
