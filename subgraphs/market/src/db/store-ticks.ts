import type postgres from 'postgres';
import { asDate } from './values.ts';
import { candleRollupCtes, minuteCandlesCte } from './candle-rollups.ts';
import { ensureMonthlyPartitions, monthlyPartitionOf, type PartitionCache } from './partitions.ts';
import type { TimeSeriesMode } from './time-series-mode.ts';
import type { StoredTick } from '../domain/latest-price.ts';

/** A transaction, or a reserved connection inside one. */
export type Queryable = postgres.TransactionSql | postgres.Sql;

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
 * Sends, without waiting in between, what must precede a write of `ticks` in the caller's
 * transaction: the per-symbol ingest locks, then the partitions of the months touched. Writers
 * of the same symbol take turns, in symbol order, so concurrent ingests never deadlock on rollup
 * rows or latest_prices (the lock also covers a symbol's first tick, with no row yet); the
 * partition function's own lock always comes after them. Queries on a transaction run in the
 * order they are sent, so the caller may send its write right away. Resolves with the
 * partition-cache entries to remember after COMMIT.
 */
export function prepareTickWrite(tx: Queryable, storage: TimeSeriesStorage, ticks: readonly TickToStore[]): Promise<string[]> {
  const symbols = [...new Set(ticks.map((tick) => tick.symbol))].sort();
  const locked =
    tx`select pg_advisory_xact_lock(hashtext('market_data.latest_prices:' || s)) from unnest(${symbols}::text[]) with ordinality as u(s, n) order by n`.execute();
  const of = (series: TickSeries) => ticks.filter((tick) => tick.series === series).map((tick) => tick.time);
  const stockMonths = ensureMonthlyPartitions(tx, storage.partitions, 'stock_prices', of('stock'));
  const indexMonths = ensureMonthlyPartitions(tx, storage.partitions, 'market_indices', of('index'));
  return Promise.all([locked, stockMonths, indexMonths]).then(([, stock, index]) => [...stock, ...index]);
}

/**
 * The table a tick goes to. On plain PostgreSQL that is its month's partition itself, not the
 * partitioned parent: routing each row through the parent made INSERT ... ON CONFLICT about a
 * third slower (the partition exists: prepareTickWrite ensures it first). On TimescaleDB the
 * hypertable.
 */
function targetOf(storage: TimeSeriesStorage, tick: TickToStore): string {
  const table = tick.series === 'stock' ? 'stock_prices' : 'market_indices';
  return storage.mode === 'partitioned' ? monthlyPartitionOf(table, tick.time) : table;
}

/**
 * CTEs `input` (the ticks with their 1-based position `n`, in (symbol, time, n) order: the btree
 * fills in key order, and of two ticks with the same (symbol, time) the first is the one kept)
 * and `stored` (symbol, time, price, volume of the ticks actually inserted; a repeat of a stored
 * (symbol, time) is skipped). An index level's volume is not kept.
 */
export function insertTicksCtes(tx: Queryable, storage: TimeSeriesStorage, ticks: readonly TickToStore[]) {
  const targets = new Map<string, { target: number; series: TickSeries }>();
  const targetIndex = ticks.map((tick) => {
    const name = targetOf(storage, tick);
    const known = targets.get(name) ?? { target: targets.size, series: tick.series };
    targets.set(name, known);
    return String(known.target);
  });
  const inserts = [...targets].map(([name, { target, series }]) =>
    series === 'stock'
      ? tx`${tx(`into_${target}`)} as (
          insert into ${tx(`market_data.${name}`)} (symbol, time, price, volume)
          select symbol, time, price, volume from input where target = ${target}::int
          on conflict (symbol, time) do nothing
          returning symbol, time, price, volume)`
      : tx`${tx(`into_${target}`)} as (
          insert into ${tx(`market_data.${name}`)} (symbol, time, value)
          select symbol, time, price from input where target = ${target}::int
          on conflict (symbol, time) do nothing
          returning symbol, time, value as price, null::numeric as volume)`,
  );
  const join = (parts: postgres.PendingQuery<postgres.Row[]>[], separator: string) =>
    parts.reduce((joined, part) => tx`${joined}${tx.unsafe(separator)}${part}`);
  return tx`
    input as (
      select symbol, time::timestamptz as time, price::numeric as price, volume::numeric as volume, target::int as target, n
      from unnest(${ticks.map((t) => t.symbol)}::text[], ${ticks.map((t) => t.time.toISOString())}::text[],
                  ${ticks.map((t) => t.price)}::text[], ${ticks.map((t) => t.volume) as string[]}::text[],
                  ${targetIndex}::text[]) with ordinality as u(symbol, time, price, volume, target, n)
      order by symbol, time, n),
    ${join(inserts, ', ')},
    stored as (${join(
      [...targets.values()].map(({ target }) => tx`select symbol, time, price, volume from ${tx(`into_${target}`)}`),
      ' union all ',
    )})`;
}

/**
 * The statement's `minute_candles` and, when this server keeps rollup tables (plain
 * PostgreSQL), the candle rollups; goes right after insertTicksCtes.
 */
export const minuteAndRollupCtes = (tx: Queryable, storage: TimeSeriesStorage) =>
  storage.mode === 'partitioned' ? tx`, ${minuteCandlesCte(tx)}, ${candleRollupCtes(tx)}` : tx`, ${minuteCandlesCte(tx)}`;

/**
 * Inserts ticks (idempotent on (symbol, time)) into their series and, on plain PostgreSQL, rolls
 * the newly inserted ones up into the candle tables, in one statement inside the caller's
 * transaction. Returns the ticks actually inserted and the partition-cache entries to remember
 * after COMMIT.
 */
export async function storeTicks(
  tx: postgres.TransactionSql,
  storage: TimeSeriesStorage,
  ticks: readonly TickToStore[],
): Promise<{ stored: StoredTick[]; partitions: string[] }> {
  if (ticks.length === 0) return { stored: [], partitions: [] };
  const partitions = prepareTickWrite(tx, storage, ticks);
  const inserted = tx<(Omit<StoredTick, 'time'> & { time: Date | string })[]>`
    with ${insertTicksCtes(tx, storage, ticks)}${minuteAndRollupCtes(tx, storage)}
    select symbol, time, price, volume from stored`.execute();
  const [entries, rows] = await Promise.all([partitions, inserted]);
  return { stored: rows.map((row) => ({ ...row, time: asDate(row.time) })), partitions: entries };
}
