import type { Sql } from '@nexanest/db';
import { createPartitionCache, ensureMonthlyPartitions } from '../db/partitions.ts';
import { rebuildLatestPrices } from '../db/latest-prices.ts';
import { storeTicks, type TickToStore, type TimeSeriesStorage } from '../db/store-ticks.ts';
import { detectTimeSeriesMode } from '../db/time-series-mode.ts';
import { DEMO_FX_START, demoSeries, demoTimes, demoVolume, hashString, mulberry32 } from '../domain/demo-history.ts';
import { listReferenceInstruments } from '../reference-data.ts';
import { readSeriesCoverage, type SeriesCoverage } from '../db/series-coverage.ts';

export interface SeedOptions {
  /** Number of daily observations per series, ending on endDate's UTC day. */
  days: number;
  endDate: Date;
}

export interface SeedResult {
  prices: number;
  rates: number;
  /** full: the whole history went in; top-up: only days after the stored ones; none: nothing was missing. */
  kind: 'full' | 'top-up' | 'none';
}

type DemoInstrument = ReturnType<typeof listReferenceInstruments>[number];

const CHUNK = 20_000;
const dayOf = (time: Date) => time.toISOString().slice(0, 10);

async function insertChunks<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) await insert(rows.slice(start, start + CHUNK));
}

/** An instrument's walk over `times` from `start`; `key` seeds it (the symbol for the full history). */
function instrumentTicks(instrument: DemoInstrument, times: readonly Date[], start: string, key: string): TickToStore[] {
  const volatility = instrument.assetClass === 'INDEX' ? 0.009 : instrument.assetClass === 'ETF' ? 0.008 : 0.016;
  const volumes = mulberry32(hashString(`${key}:volume`));
  const baseVolume = instrument.assetClass === 'STOCK' ? 20_000_000 : 5_000_000;
  return demoSeries(key, start, times, { volatility }).map((point) => ({
    symbol: instrument.symbol,
    time: point.time,
    price: point.value,
    volume: instrument.assetClass === 'INDEX' ? null : demoVolume(volumes, baseVolume),
    series: instrument.assetClass === 'INDEX' ? 'index' : 'stock',
  }));
}

const usdRates = (quote: string, times: readonly Date[], start: string, key: string) =>
  demoSeries(key, start, times, { volatility: 0.004, scale: quote === 'JPY' ? 4 : 6 }).map((point) => ({ quote, ...point }));

/**
 * The days of `times` after the stored series ends, walked on from its last stored value (live
 * ticks included), so the history continues where it stopped instead of jumping.
 */
function tail<T>(times: readonly Date[], stored: SeriesCoverage, walk: (anchored: Date[], start: string, key: string) => T[], name: string): T[] {
  const missing = times.filter((time) => dayOf(time) > dayOf(stored.last));
  if (missing.length === 0) return [];
  return walk([stored.last, ...missing], stored.lastValue, `${name}:${dayOf(missing[0] as Date)}`).slice(1);
}

/**
 * Development history: a deterministic daily price for every non-currency instrument (index
 * levels in market_indices) and daily USD-based FX rates, then latest prices rebuilt from it.
 * Prices go through the same storage as ingest, so candle rollups follow. Idempotent: rows that
 * exist are kept, so running it again (or after live ticks arrived) changes nothing stored.
 * Cheap when already seeded: when every series reaches back to the first day, only the days after
 * each series' last stored one are added (none on a second start the same day).
 */
export async function seedDemoMarketData(sql: Sql, options: SeedOptions): Promise<SeedResult> {
  const times = demoTimes(options.days, options.endDate);
  if (times.length === 0) return { prices: 0, rates: 0, kind: 'none' };
  const instruments = listReferenceInstruments().filter((instrument) => instrument.assetClass !== 'CURRENCY' && instrument.demoPrice);
  const quotes = Object.keys(DEMO_FX_START);
  const coverage = await readSeriesCoverage(sql, {
    stocks: instruments.filter((i) => i.assetClass !== 'INDEX').map((i) => i.symbol),
    indices: instruments.filter((i) => i.assetClass === 'INDEX').map((i) => i.symbol),
    usdQuotes: quotes,
  });
  const storedOf = (instrument: DemoInstrument) => (instrument.assetClass === 'INDEX' ? coverage.indices : coverage.stocks).get(instrument.symbol);
  const firstDay = dayOf(times[0] as Date);
  const reachesBack = (stored: SeriesCoverage | undefined) => stored !== undefined && dayOf(stored.first) <= firstDay;
  const topUp = instruments.every((i) => reachesBack(storedOf(i))) && quotes.every((quote) => reachesBack(coverage.usdQuotes.get(quote)));

  const prices = instruments.flatMap((instrument) =>
    topUp
      ? tail(times, storedOf(instrument) as SeriesCoverage, (anchored, start, key) => instrumentTicks(instrument, anchored, start, key), instrument.symbol)
      : instrumentTicks(instrument, times, instrument.demoPrice ?? '100', instrument.symbol),
  );
  const rates = quotes.flatMap((quote) =>
    topUp
      ? tail(times, coverage.usdQuotes.get(quote) as SeriesCoverage, (anchored, start, key) => usdRates(quote, anchored, start, key), `USD/${quote}`)
      : usdRates(quote, times, DEMO_FX_START[quote] as string, `USD/${quote}`),
  );
  if (prices.length === 0 && rates.length === 0) return { prices: 0, rates: 0, kind: 'none' };

  const storage: TimeSeriesStorage = { mode: await detectTimeSeriesMode(sql), partitions: createPartitionCache() };
  await sql.begin(async (tx) => {
    await insertChunks(prices, (chunk) => storeTicks(tx, storage, chunk));
    await ensureMonthlyPartitions(
      tx,
      storage.partitions,
      'currency_rates',
      rates.map((rate) => rate.time),
    );
    await insertChunks(
      rates,
      (chunk) => tx`
      insert into market_data.currency_rates (base, quote, time, rate)
      select 'USD', quote, time::timestamptz, rate::numeric
      from unnest(${chunk.map((r) => r.quote)}::text[], ${chunk.map((r) => r.time.toISOString())}::text[],
                  ${chunk.map((r) => r.value)}::text[]) as u(quote, time, rate)
      on conflict (base, quote, time) do nothing`,
    );
    await rebuildLatestPrices(tx, [...new Set(prices.map((price) => price.symbol))]);
  });
  return { prices: prices.length, rates: rates.length, kind: topUp ? 'top-up' : 'full' };
}
