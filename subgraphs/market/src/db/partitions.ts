import type postgres from 'postgres';

/** Months (YYYY-MM) whose stock_prices partition this process has already ensured. */
export type PartitionCache = Set<string>;

export const createPartitionCache = (): PartitionCache => new Set();

const monthOf = (time: Date) => time.toISOString().slice(0, 7);

/**
 * Makes sure every month touched by `times` has a partition before rows are inserted. The
 * database function is idempotent; the cache only saves the round trip for months seen before.
 * Returns the months that were checked, to be remembered once the transaction commits.
 */
export async function ensureStockPricePartitions(tx: postgres.TransactionSql | postgres.Sql, cache: PartitionCache, times: readonly Date[]): Promise<string[]> {
  const missing = [...new Set(times.map(monthOf))].filter((month) => !cache.has(month)).sort();
  if (missing.length === 0) return [];
  // One call per month present, never the whole span between them: a stray old tick must not
  // create every partition from its month to today.
  const starts = missing.map((month) => `${month}-01T00:00:00Z`);
  await tx`select market_data.ensure_stock_price_partitions(m::timestamptz, m::timestamptz) from unnest(${starts}::text[]) as m`;
  return missing;
}
