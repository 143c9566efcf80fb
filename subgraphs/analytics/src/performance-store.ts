import type { Sql } from '@nexanest/db';
import type { PerformanceWindow } from './domain/performance-range.ts';
import type { SnapshotPoint } from './domain/snapshot-series.ts';

/**
 * The points a performance window is measured on, per portfolio owned by `ownerId`, oldest first:
 * - the base: the latest snapshot at or before the window's start (its flows are history), or,
 *   when there is none (or for MAX), simply the first snapshot in the window;
 * - then the last snapshot of each UTC day after the start up to the end, carrying the sum of
 *   that day's flows.
 * Another owner's portfolios yield nothing.
 */
export async function listWindowPoints(
  sql: Sql,
  query: { portfolioIds: readonly string[]; ownerId: string; window: PerformanceWindow },
): Promise<Map<string, SnapshotPoint[]>> {
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
  const rows = await sql<{ portfolio_id: string; time: string; total_value: string; currency: string; net_flow: string }[]>`
    select portfolio_id, time, total_value::text as total_value, currency, net_flow::text as net_flow from (
      (${base})
      union all
      (select distinct on (portfolio_id, date_trunc('day', time at time zone 'UTC')) portfolio_id, time, total_value, currency,
         sum(net_flow) over (partition by portfolio_id, date_trunc('day', time at time zone 'UTC')) as net_flow
       from analytics_ts.portfolio_snapshots
       where portfolio_id = any(${ids}::uuid[]) and owner_id = ${query.ownerId} ${after} and time <= ${end.toISOString()}
       order by portfolio_id, date_trunc('day', time at time zone 'UTC'), time desc)
    ) points
    order by portfolio_id, time`;
  const series = new Map<string, SnapshotPoint[]>(ids.map((id) => [id, []]));
  for (const row of rows)
    series.get(row.portfolio_id)?.push({ time: new Date(row.time), totalValue: row.total_value, currency: row.currency, netFlow: row.net_flow });
  return series;
}
