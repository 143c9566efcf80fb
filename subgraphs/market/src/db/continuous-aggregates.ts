import type { Sql } from '@nexanest/db';

/** The continuous aggregates of the TimescaleDB path and how far back their refresh policies reach. */
const AGGREGATES: readonly { suffix: string; policyWindow: string }[] = [
  { suffix: '1m', policyWindow: '2 hours' },
  { suffix: '5m', policyWindow: '6 hours' },
  { suffix: '1h', policyWindow: '3 days' },
  { suffix: '1d', policyWindow: '7 days' },
];

/**
 * TimescaleDB only. The aggregates are created WITH NO DATA (a migration runs in a transaction)
 * and their policies refresh recent windows only, so history older than a policy window (the
 * demo seed, a backfill of old data, ticks from before the migration) is materialized here, at
 * start. refresh_continuous_aggregate only recomputes invalidated ranges, so later starts are
 * cheap. It cannot run in a transaction: each CALL is its own statement on the pool.
 */
export async function refreshHistoricalCandles(sql: Sql): Promise<void> {
  for (const { suffix, policyWindow } of AGGREGATES) {
    for (const source of ['stock', 'index']) {
      const view = `market_data.${source}_candles_${suffix}`;
      await sql`call refresh_continuous_aggregate(${view}::regclass, null, now() - ${policyWindow}::interval)`;
    }
  }
}
