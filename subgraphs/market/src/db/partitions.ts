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
  const first = `${missing[0]}-01T00:00:00Z`;
  const last = `${missing[missing.length - 1]}-01T00:00:00Z`;
  await tx`select market_data.ensure_stock_price_partitions(${first}::timestamptz, ${last}::timestamptz)`;
  return missing;
}
