import type postgres from 'postgres';
import { asDate } from './values.ts';
import { rollUpCandles } from './candle-rollups.ts';
import { ensureMonthlyPartitions, type PartitionCache } from './partitions.ts';
import type { TimeSeriesMode } from './time-series-mode.ts';
import type { StoredTick } from '../domain/latest-price.ts';

/** Where a tick belongs: instrument prices in stock_prices, index levels in market_indices. */
export type TickSeries = 'stock' | 'index';

export interface TickToStore {
  symbol: string;
  time: Date;
  price: string;
  volume: string | null;
  series: TickSeries;
}

export interface TimeSeriesStorage {
  mode: TimeSeriesMode;
  /** Months with a partition, shared by every writer of this process. */
  partitions: PartitionCache;
}

/**
 * Inserts ticks (idempotent on (symbol, time)) into their series and, on plain PostgreSQL, rolls
 * the newly inserted ones up into the candle tables, all inside the caller's transaction.
 * Returns the ticks actually inserted and the partition-cache entries to remember after COMMIT.
 * An index level's volume is not kept.
 */
export async function storeTicks(
  tx: postgres.TransactionSql,
  storage: TimeSeriesStorage,
  ticks: readonly TickToStore[],
): Promise<{ stored: StoredTick[]; partitions: string[] }> {
  if (ticks.length === 0) return { stored: [], partitions: [] };
  // Writers of the same symbol take turns, in symbol order, so concurrent ingests never deadlock
  // on rollup rows or latest_prices (the lock also covers a symbol's first tick, with no row yet).
  const symbols = [...new Set(ticks.map((tick) => tick.symbol))].sort();
  await tx`select pg_advisory_xact_lock(hashtext('market_data.latest_prices:' || s)) from unnest(${symbols}::text[]) with ordinality as u(s, n) order by n`;
  const of = (series: TickSeries) => ticks.filter((tick) => tick.series === series).map((tick) => tick.time);
  const partitions = [
    ...(await ensureMonthlyPartitions(tx, storage.partitions, 'stock_prices', of('stock'))),
    ...(await ensureMonthlyPartitions(tx, storage.partitions, 'market_indices', of('index'))),
  ];
  const inserted = await tx<(Omit<StoredTick, 'time'> & { time: Date | string })[]>`
    with input as (
      select symbol, time::timestamptz as time, price::numeric as price, volume::numeric as volume, series
      from unnest(${ticks.map((t) => t.symbol)}::text[], ${ticks.map((t) => t.time.toISOString())}::text[],
                  ${ticks.map((t) => t.price)}::text[], ${ticks.map((t) => t.volume) as string[]}::text[],
                  ${ticks.map((t) => t.series)}::text[]) as u(symbol, time, price, volume, series)),
    stocks as (
      insert into market_data.stock_prices (symbol, time, price, volume)
      select symbol, time, price, volume from input where series = 'stock'
      on conflict (symbol, time) do nothing
      returning symbol, time, price, volume),
    indices as (
      insert into market_data.market_indices (symbol, time, value)
      select symbol, time, price from input where series = 'index'
      on conflict (symbol, time) do nothing
      returning symbol, time, value as price, null::numeric as volume)
    select symbol, time, price, volume from stocks
    union all
    select symbol, time, price, volume from indices`;
  const stored: StoredTick[] = inserted.map((row) => ({ ...row, time: asDate(row.time) }));
  if (storage.mode === 'partitioned') await rollUpCandles(tx, stored);
  return { stored, partitions };
}
