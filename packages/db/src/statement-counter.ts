/**
 * Counts SQL statements sent by every pool in this process, in total and per pool
 * (`applicationName`). Benchmarks and tests read it to report statements per request; a pool
 * of background workers (outbox relays, consumers, jobs) keeps its own count, so a reading of the
 * request pools is not disturbed by them. Nothing else depends on it.
 */
export const statementCounter = {
  count: 0,
  byPool: new Map<string, number>(),
  record(pool: string) {
    this.count++;
    this.byPool.set(pool, (this.byPool.get(pool) ?? 0) + 1);
  },
  /** Statements of the pools with these application names since the last reset. */
  of(...pools: string[]): number {
    return pools.reduce((sum, pool) => sum + (this.byPool.get(pool) ?? 0), 0);
  },
  reset() {
    this.count = 0;
    this.byPool.clear();
  },
};
