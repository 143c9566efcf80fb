import DataLoader from 'dataloader';
import type { Sql } from '@nexanest/db';
import { loadBenchmarkSeries, type BenchmarkKey } from './benchmark-series.ts';
import type { BenchmarkSeries } from './domain/benchmark.ts';
import { performanceWindow, type PerformanceRange } from './domain/performance-range.ts';
import type { SnapshotInterval, SnapshotPoint } from './domain/snapshot-series.ts';
import type { MarketClient } from '@nexanest/graphql';
import { windowPointsQuery } from './performance-store.ts';
import { pointsByPortfolio, type PointRow } from './snapshot-points.ts';
import { snapshotSeriesQuery } from './snapshots-store.ts';

export interface SnapshotSeriesKey {
  portfolioId: string;
  /** The portfolio's owner as the portfolio subgraph vouched for it (see `readableOwner`). */
  ownerId: string;
  from: Date;
  to: Date;
  interval: SnapshotInterval;
}

export interface WindowPointsKey {
  portfolioId: string;
  ownerId: string;
  range: PerformanceRange;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Either read of the snapshot table a request makes: a series (snapshots) or a window's points (performance, risk). */
type PointsKey = ({ read: 'series' } & SnapshotSeriesKey) | ({ read: 'window' } & WindowPointsKey);

/** Keys of one group are read together: the same read, owner and range, any number of portfolios. */
const groupOf = (key: PointsKey) =>
  key.read === 'series' ? `series|${key.ownerId}|${key.from.toISOString()}|${key.to.toISOString()}|${key.interval}` : `window|${key.ownerId}|${key.range}`;

/**
 * Every snapshot read of one tick in one statement: each group of keys becomes a select (its
 * portfolios in one `any(...)`), tagged with its place, and the selects go together by UNION ALL.
 * A PortfolioDetail (snapshots, and performance and riskMetrics over one window) is one statement.
 */
async function readPoints(sql: Sql, keys: readonly PointsKey[], now: Date): Promise<SnapshotPoint[][]> {
  const keyGroups = keys.map(groupOf);
  const groups = new Map<string, PointsKey[]>();
  for (const [i, key] of keys.entries()) {
    const members = groups.get(keyGroups[i] as string);
    if (members) members.push(key);
    else groups.set(keyGroups[i] as string, [key]);
  }
  const reads = [...groups].flatMap(([group, members]) => {
    const first = members[0] as PointsKey;
    const portfolioIds = [...new Set(members.map((key) => key.portfolioId).filter((id) => UUID.test(id)))];
    if (portfolioIds.length === 0) return [];
    const query =
      first.read === 'series'
        ? snapshotSeriesQuery(sql, { ...first, portfolioIds })
        : windowPointsQuery(sql, { portfolioIds, ownerId: first.ownerId, window: performanceWindow(first.range, now) });
    return [{ group, portfolioIds, query }];
  });
  const found = new Map<string, Map<string, SnapshotPoint[]>>();
  if (reads.length > 0) {
    const selects = reads.map((read, i) => sql`select ${i}::int as read_no, r.* from (${read.query}) r`);
    const union = selects.slice(1).reduce((all, next) => sql`${all} union all ${next}`, selects[0] as (typeof selects)[number]);
    const rows = await sql<(PointRow & { read_no: number })[]>`${union} order by read_no, portfolio_id, time`;
    const rowsOf = reads.map((): PointRow[] => []);
    for (const row of rows) rowsOf[row.read_no]?.push(row);
    for (const [i, read] of reads.entries()) found.set(read.group, pointsByPortfolio(read.portfolioIds, rowsOf[i] ?? []));
  }
  return keys.map((key, i) => found.get(keyGroups[i] as string)?.get(key.portfolioId) ?? []);
}

/**
 * Per-request loaders, at one instant (`now`, so every range of a request ends at
 * the same time). Snapshot reads of one tick, whatever their ranges and portfolios, are one
 * statement (`readPoints`); a benchmark asked for twice (performance and riskMetrics) is fetched once.
 */
export function createLoaders(deps: { sql: Sql; market: MarketClient; now: Date }) {
  const { sql, now } = deps;
  const points = new DataLoader<PointsKey, SnapshotPoint[], string>((keys) => readPoints(sql, keys, now), {
    cacheKeyFn: (key) => `${key.portfolioId}|${groupOf(key)}`,
  });
  return {
    snapshotSeries: { load: (key: SnapshotSeriesKey) => points.load({ read: 'series', ...key }) },
    windowPoints: { load: (key: WindowPointsKey) => points.load({ read: 'window', ...key }) },
    benchmark: new DataLoader<BenchmarkKey, BenchmarkSeries | null, string>(
      (keys) => Promise.all(keys.map((key) => loadBenchmarkSeries(deps.market, key).catch((error: unknown) => error as Error))),
      { cacheKeyFn: (key) => `${key.symbol}|${key.currency}|${key.fromDay}|${key.toDay}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
