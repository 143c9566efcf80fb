import type { Sql } from '@nexanest/db';
import type { PerformanceWindow } from './domain/performance-range.ts';
import type { SnapshotPoint } from './domain/snapshot-series.ts';
import { pointsByPortfolio, type PointRow } from './snapshot-points.ts';

export interface WindowPointsQuery {
  portfolioIds: readonly string[];
  ownerId: string;
  window: PerformanceWindow;
}

/**
 * The points a performance window is measured on, per portfolio owned by `ownerId`, oldest first:
 * - the base: the latest snapshot at or before the window's start (its flows are history), or,
 *   when there is none (or for MAX), simply the first snapshot in the window;
 * - then the last snapshot of each UTC day after the start up to the end, carrying the sum of
 *   that day's flows.
 * Another owner's portfolios yield nothing. A select of `PointRow`s, to run alone
 * (`listWindowPoints`) or beside other reads in one statement (loaders.ts).
 */
export function windowPointsQuery(sql: Sql, query: WindowPointsQuery) {
  const ids = query.portfolioIds as string[];
  const { start, end } = query.window;
  const base = start
    ? sql`
      select distinct on (portfolio_id) portfolio_id, time, total_value, currency, 0::numeric as net_flow
      from analytics_ts.portfolio_snapshots
      where portfolio_id = any(${ids}::uuid[]) and owner_id = ${query.ownerId} and time <= ${start.toISOString()}
      order by portfolio_id, time desc`
    : sql`
      select portfolio_id, time, total_value, currency, net_flow from analytics_ts.portfolio_snapshots where false`;
  const after = start ? sql`and time > ${start.toISOString()}` : sql``;
  return sql`
    select portfolio_id, time, total_value::text as total_value, currency, net_flow::text as net_flow from (
      (${base})
      union all
      (select distinct on (portfolio_id, date_trunc('day', time at time zone 'UTC')) portfolio_id, time, total_value, currency,
         sum(net_flow) over (partition by portfolio_id, date_trunc('day', time at time zone 'UTC')) as net_flow
       from analytics_ts.portfolio_snapshots
       where portfolio_id = any(${ids}::uuid[]) and owner_id = ${query.ownerId} ${after} and time <= ${end.toISOString()}
       order by portfolio_id, date_trunc('day', time at time zone 'UTC'), time desc)
    ) points`;
}

/** `windowPointsQuery`'s points by portfolio, oldest first. */
export async function listWindowPoints(sql: Sql, query: WindowPointsQuery): Promise<Map<string, SnapshotPoint[]>> {
  return pointsByPortfolio(query.portfolioIds, await sql<PointRow[]>`${windowPointsQuery(sql, query)} order by portfolio_id, time`);
}
