import type { Sql } from '@nexanest/db';
import { createPartitionCache, ensureMonthlyPartitions } from '../db/partitions.ts';
import { rebuildLatestPrices } from '../db/latest-prices.ts';
import { storeTicks, type TickToStore, type TimeSeriesStorage } from '../db/store-ticks.ts';
import { detectTimeSeriesMode } from '../db/time-series-mode.ts';
import { DEMO_FX_START, demoSeries, demoTimes, demoVolume, hashString, mulberry32 } from '../domain/demo-history.ts';
import { listReferenceInstruments } from '../reference-data.ts';

export interface SeedOptions {
  /** Number of daily observations per series, ending on endDate's UTC day. */
  days: number;
  endDate: Date;
}

export interface SeedResult {
  prices: number;
  rates: number;
}

const CHUNK = 20_000;

async function insertChunks<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) await insert(rows.slice(start, start + CHUNK));
}

/**
 * Development history: a deterministic daily price for every non-currency instrument (index
 * levels in market_indices) and daily USD-based FX rates, then latest prices rebuilt from it.
 * Prices go through the same storage as ingest, so candle rollups follow. Idempotent: rows that
 * exist are kept, so running it again (or after live ticks arrived) changes nothing stored.
 */
export async function seedDemoMarketData(sql: Sql, options: SeedOptions): Promise<SeedResult> {
  const times = demoTimes(options.days, options.endDate);
  if (times.length === 0) return { prices: 0, rates: 0 };
  const instruments = listReferenceInstruments().filter((instrument) => instrument.assetClass !== 'CURRENCY' && instrument.demoPrice);

  const prices: TickToStore[] = [];
  for (const instrument of instruments) {
    const volatility = instrument.assetClass === 'INDEX' ? 0.009 : instrument.assetClass === 'ETF' ? 0.008 : 0.016;
    const volumes = mulberry32(hashString(`${instrument.symbol}:volume`));
    const baseVolume = instrument.assetClass === 'STOCK' ? 20_000_000 : 5_000_000;
    for (const point of demoSeries(instrument.symbol, instrument.demoPrice ?? '100', times, { volatility })) {
      prices.push({
        symbol: instrument.symbol,
        time: point.time,
        price: point.value,
        volume: instrument.assetClass === 'INDEX' ? null : demoVolume(volumes, baseVolume),
        series: instrument.assetClass === 'INDEX' ? 'index' : 'stock',
      });
    }
  }
  const rates = Object.entries(DEMO_FX_START).flatMap(([quote, start]) =>
    demoSeries(`USD/${quote}`, start, times, { volatility: 0.004, scale: quote === 'JPY' ? 4 : 6 }).map((point) => ({ quote, ...point })),
  );

  const storage: TimeSeriesStorage = { mode: await detectTimeSeriesMode(sql), partitions: createPartitionCache() };
  await sql.begin(async (tx) => {
    await insertChunks(prices, (chunk) => storeTicks(tx, storage, chunk));
    await ensureMonthlyPartitions(tx, storage.partitions, 'currency_rates', times);
    await insertChunks(
      rates,
      (chunk) => tx`
      insert into market_data.currency_rates (base, quote, time, rate)
      select 'USD', quote, time::timestamptz, rate::numeric
      from unnest(${chunk.map((r) => r.quote)}::text[], ${chunk.map((r) => r.time.toISOString())}::text[],
                  ${chunk.map((r) => r.value)}::text[]) as u(quote, time, rate)
      on conflict (base, quote, time) do nothing`,
    );
    await rebuildLatestPrices(
      tx,
      instruments.map((instrument) => instrument.symbol),
    );
  });
  return { prices: prices.length, rates: rates.length };
}
