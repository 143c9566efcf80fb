import type postgres from 'postgres';

/** The market_data time series that ensure_monthly_partitions knows. */
export type TimeSeriesTable = 'stock_prices' | 'market_indices' | 'currency_rates';

/** `<table>:<YYYY-MM>` entries whose partition this process has already ensured. */
export type PartitionCache = Set<string>;

export const createPartitionCache = (): PartitionCache => new Set();

// YYYY-MM of the UTC month; from the UTC fields, not toISOString (called for every tick of a batch).
const monthOf = (time: Date) => `${String(time.getUTCFullYear()).padStart(4, '0')}-${String(time.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * The monthly partition of `table` holding `time`, named as ensure_monthly_partitions names it
 * (`<table>_yYYYYmMM`, UTC months).
 */
export function monthlyPartitionOf(table: TimeSeriesTable, time: Date): string {
  const month = monthOf(time);
  return `${table}_y${month.slice(0, 4)}m${month.slice(5, 7)}`;
}

/**
 * Makes sure every month touched by `times` has a partition of `table` before rows are inserted.
 * The database function is idempotent (and does nothing on TimescaleDB); the cache only saves the
 * round trip for months seen before. Returns the cache entries to remember once the transaction
 * commits (a rolled-back CREATE TABLE must not be remembered).
 */
export async function ensureMonthlyPartitions(
  tx: postgres.TransactionSql | postgres.Sql,
  cache: PartitionCache,
  table: TimeSeriesTable,
  times: readonly Date[],
): Promise<string[]> {
  const missing = [...new Set(times.map(monthOf))].filter((month) => !cache.has(`${table}:${month}`)).sort();
  if (missing.length === 0) return [];
  // One call per month present, never the whole span between them: a stray old tick must not
  // create every partition from its month to today.
  const starts = missing.map((month) => `${month}-01T00:00:00Z`);
  // Sent at once (execute), so a caller may queue its next statements behind it on the same transaction.
  await tx`select market_data.ensure_monthly_partitions(${table}, m::timestamptz, m::timestamptz) from unnest(${starts}::text[]) as m`.execute();
  return missing.map((month) => `${table}:${month}`);
}
