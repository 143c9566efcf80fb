import type { RevisedLatestPrice } from '../cache/latest-price-cache.ts';
import { latestRowsJson, mergeLatestPricesCtes, revisedLatestPrice, type LatestRowJson } from './latest-prices.ts';
import { insertTicksCtes, minuteAndRollupCtes, prepareTickWrite, type Queryable, type TickToStore, type TimeSeriesStorage } from './store-ticks.ts';

export interface TickBatchWrite {
  /** Positions in the batch of the ticks actually inserted (a repeat of a stored (symbol, time) is not), ascending; empty unless asked for. */
  inserted: number[];
  /** The latest_prices rows written, one per symbol with an inserted tick, in symbol order. */
  latest: RevisedLatestPrice[];
  /** Partition-cache entries to remember once the transaction commits. */
  partitions: string[];
}

/**
 * Stores a batch inside the caller's transaction: the ingest locks and partitions, then one
 * statement that inserts the ticks, rolls them up into the candle tables (plain PostgreSQL) and
 * folds them into latest_prices. Every query is sent before the first await, back to back, so
 * the whole write costs one round trip and a caller may queue COMMIT behind it (the locks and
 * partitions come first: each statement of a transaction sees what the previous ones did, and
 * the write waits for the locks).
 */
export async function writeTickBatch(
  tx: Queryable,
  storage: TimeSeriesStorage,
  ticks: readonly TickToStore[],
  options: { listInserted: boolean },
): Promise<TickBatchWrite> {
  if (ticks.length === 0) return { inserted: [], latest: [], partitions: [] };
  const partitions = prepareTickWrite(tx, storage, ticks);
  // Which ticks were inserted matters only to publish them; a backfill skips the join.
  const inserted = options.listInserted
    ? tx`(select coalesce(array_agg(n order by n), '{}')::int[]
          from (select min(i.n) - 1 as n from input i join stored s on s.symbol = i.symbol and s.time = i.time group by i.symbol, i.time) k)`
    : tx`'{}'::int[]`;
  const written = tx<{ inserted: number[]; latest: LatestRowJson[] }[]>`
    with ${insertTicksCtes(tx, storage, ticks)}${minuteAndRollupCtes(tx, storage)}, ${mergeLatestPricesCtes(tx)}
    select ${inserted} as inserted, (${latestRowsJson(tx)}) as latest`.execute();
  const [entries, [row]] = await Promise.all([partitions, written]);
  return { inserted: row?.inserted ?? [], latest: (row?.latest ?? []).map(revisedLatestPrice), partitions: entries };
}
