import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeLatestPrice, type LatestPriceState, type StoredTick } from '../src/domain/latest-price.ts';
import { ingestTicks } from '../src/services/ingest-ticks.ts';
import { createMarketTestKit, type MarketTestKit } from './market-test-kit.ts';

// The ingest merges latest prices in SQL (db/latest-prices.ts); the rule is written down once,
// in mergeLatestPrice. These batches mix days, late ticks, repeats, duplicates within a batch,
// missing and fractional volumes, so that every branch of the rule is taken.

let kit: MarketTestKit;
const now = new Date('2026-11-30T12:00:00Z');

beforeAll(async () => {
  kit = await createMarketTestKit({ now: () => now });
});

afterAll(async () => {
  await kit?.close();
});

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return { next, pick: <T>(values: readonly T[]) => values[Math.floor(next() * values.length)] as T };
}

const SYMBOLS = ['AAPL', 'MSFT', 'SPX'] as const;
const PRICES = ['100', '100.1', '99.95', '101.25', '0.5', '250', '99.99'];
const VOLUMES = [null, '1', '0.5', '2.25', '0', '10'];
const start = Date.parse('2026-11-25T20:00:00Z');

function batchOf(random: ReturnType<typeof generator>): StoredTick[] {
  return Array.from({ length: 1 + Math.floor(random.next() * 40) }, () => ({
    symbol: random.pick(SYMBOLS),
    // Half-hour slots over three UTC days: repeats and same-batch duplicates happen often.
    time: new Date(start + Math.floor(random.next() * 144) * 1_800_000),
    price: random.pick(PRICES),
    volume: random.pick(VOLUMES),
  }));
}

const rowsOf = async () =>
  kit.pool.sql<
    {
      symbol: string;
      price: string;
      time: string;
      day: string;
      open: string;
      open_time: string;
      high: string;
      low: string;
      volume: string | null;
      prev_close: string | null;
    }[]
  >`
    select symbol, price::text, to_json(time)#>>'{}' as time, day::text, open::text, to_json(open_time)#>>'{}' as open_time,
           high::text, low::text, volume::text, prev_close::text
    from market_data.latest_prices where symbol = any(${[...SYMBOLS]}::text[]) order by symbol`;

const asRow = (symbol: string, state: LatestPriceState) => ({
  symbol,
  price: state.price,
  time: state.time.getTime(),
  day: state.day,
  open: state.open,
  open_time: state.openTime.getTime(),
  high: state.high,
  low: state.low,
  volume: state.volume,
  prev_close: state.prevClose,
});

describe('latest prices merged by the ingest statement', () => {
  it('match mergeLatestPrice folding the same stored ticks, batch after batch', async () => {
    const random = generator(20261205);
    const expected = new Map<string, LatestPriceState>();
    const seen = new Set<string>();
    for (let round = 0; round < 60; round += 1) {
      const batch = batchOf(random);
      await ingestTicks(kit.ingestDeps, batch, { publish: false });
      // What the insert keeps: the first of each (symbol, time) never stored before; an index level without volume.
      const stored: StoredTick[] = [];
      for (const tick of batch) {
        const key = `${tick.symbol}@${tick.time.getTime()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        stored.push({ ...tick, volume: tick.symbol === 'SPX' ? null : tick.volume });
      }
      for (const symbol of SYMBOLS) {
        const merged = mergeLatestPrice(
          expected.get(symbol) ?? null,
          stored.filter((tick) => tick.symbol === symbol),
        );
        if (merged) expected.set(symbol, merged);
      }
      const actual = (await rowsOf()).map((row) => ({ ...row, time: Date.parse(row.time), open_time: Date.parse(row.open_time) }));
      expect(actual, `after batch ${round}`).toEqual([...expected].sort(([a], [b]) => a.localeCompare(b)).map(([symbol, state]) => asRow(symbol, state)));
    }
  });
});
