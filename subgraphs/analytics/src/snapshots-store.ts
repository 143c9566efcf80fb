import type { Decimal } from 'decimal.js';
import type { Sql } from '@nexanest/db';
import type { SnapshotInterval, SnapshotPoint } from './domain/snapshot-series.ts';
import { pointsByPortfolio, type PointRow } from './snapshot-points.ts';

export interface SnapshotRow {
  portfolioId: string;
  ownerId: string;
  time: Date;
  totalValue: string | Decimal;
  currency: string;
  netFlow?: string | Decimal;
}

/**
 * Stores (or replaces) one portfolio's value at one instant. The snapshot builder job that calls
 * it daily is the next issue; until then tests and tools write snapshots through here.
 */
export async function recordSnapshot(sql: Sql, row: SnapshotRow): Promise<void> {
  await sql`
    insert into analytics_ts.portfolio_snapshots (portfolio_id, owner_id, time, total_value, currency, net_flow)
    values (${row.portfolioId}, ${row.ownerId}, ${row.time.toISOString()}, ${row.totalValue.toString()}, ${row.currency}, ${(row.netFlow ?? '0').toString()})
    on conflict (portfolio_id, time) do update
      set owner_id = excluded.owner_id, total_value = excluded.total_value, currency = excluded.currency, net_flow = excluded.net_flow`;
}

// Literal units for date_trunc: DISTINCT ON and ORDER BY must repeat the same expression, which
// two bind parameters would not be. Only these three fixed strings are ever inlined.
// Pools from createPool carry drizzle's transparent timestamp parsers: instants travel as ISO
// strings both ways on this client.
const TRUNC_UNIT: Record<SnapshotInterval, string> = { DAY: "'day'", WEEK: "'week'", MONTH: "'month'" };

export interface SnapshotSeriesQuery {
  portfolioIds: readonly string[];
  ownerId: string;
  from: Date;
  to: Date;
  interval: SnapshotInterval;
}

/**
 * The last snapshot of each day, ISO week or month (UTC) for each of the portfolios, owned by
 * `ownerId`, between from and to inclusive, as a select of `PointRow`s to run alone
 * (`listSnapshotSeries`) or beside other reads in one statement (loaders.ts). Another owner's
 * portfolios yield nothing.
 */
export function snapshotSeriesQuery(sql: Sql, query: SnapshotSeriesQuery) {
  const unit = sql.unsafe(TRUNC_UNIT[query.interval]);
  // The flow of a point is every deposit and withdrawal in its bucket (windows run before DISTINCT ON).
  return sql`
    select portfolio_id, time, total_value::text as total_value, currency, net_flow::text as net_flow from (
      select distinct on (portfolio_id, date_trunc(${unit}, time at time zone 'UTC')) portfolio_id, time, total_value, currency,
        sum(net_flow) over (partition by portfolio_id, date_trunc(${unit}, time at time zone 'UTC')) as net_flow
      from analytics_ts.portfolio_snapshots
      where portfolio_id = any(${query.portfolioIds as string[]}::uuid[])
        and owner_id = ${query.ownerId}
        and time >= ${query.from.toISOString()} and time <= ${query.to.toISOString()}
      order by portfolio_id, date_trunc(${unit}, time at time zone 'UTC'), time desc
    ) last_per_bucket`;
}

/** `snapshotSeriesQuery`'s points by portfolio, oldest first. */
export async function listSnapshotSeries(sql: Sql, query: SnapshotSeriesQuery): Promise<Map<string, SnapshotPoint[]>> {
  return pointsByPortfolio(query.portfolioIds, await sql<PointRow[]>`${snapshotSeriesQuery(sql, query)} order by portfolio_id, time`);
}
