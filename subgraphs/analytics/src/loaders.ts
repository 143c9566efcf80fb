import DataLoader from 'dataloader';
import type { Sql } from '@nexanest/db';
import { loadBenchmarkSeries, type BenchmarkKey } from './benchmark-series.ts';
import type { BenchmarkSeries } from './domain/benchmark.ts';
import { performanceWindow, type PerformanceRange } from './domain/performance-range.ts';
import type { SnapshotInterval, SnapshotPoint } from './domain/snapshot-series.ts';
import type { MarketClient } from '@nexanest/graphql';
import { listWindowPoints } from './performance-store.ts';
import { listSnapshotSeries } from './snapshots-store.ts';

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
const rangeKey = (key: Omit<SnapshotSeriesKey, 'portfolioId'>) => `${key.ownerId}|${key.from.toISOString()}|${key.to.toISOString()}|${key.interval}`;

/** Groups keys by `groupOf`, loads each group in one call, answers in key order. */
async function loadGrouped<K extends { portfolioId: string }, V>(
  keys: readonly K[],
  groupOf: (key: K) => string,
  load: (group: K[], portfolioIds: string[]) => Promise<Map<string, V>>,
  empty: V,
): Promise<V[]> {
  const groups = new Map<string, K[]>();
  for (const key of keys) groups.set(groupOf(key), [...(groups.get(groupOf(key)) ?? []), key]);
  const results = new Map<string, V>();
  for (const [group, members] of groups) {
    const portfolioIds = [...new Set(members.map((key) => key.portfolioId).filter((id) => UUID.test(id)))];
    const found = portfolioIds.length ? await load(members, portfolioIds) : new Map<string, V>();
    for (const key of members) results.set(`${key.portfolioId}|${group}`, found.get(key.portfolioId) ?? empty);
  }
  return keys.map((key) => results.get(`${key.portfolioId}|${groupOf(key)}`) ?? empty);
}

/**
 * Per-request loaders, at one instant (`now`, so every range of a request ends at
 * the same time). Series asked for with the same range (a dashboard listing several portfolios)
 * are read in one query; a benchmark asked for twice (performance and riskMetrics) is fetched once.
 */
export function createLoaders(deps: { sql: Sql; market: MarketClient; now: Date }) {
  const { sql, now } = deps;
  return {
    snapshotSeries: new DataLoader<SnapshotSeriesKey, SnapshotPoint[], string>(
      async (keys) => loadGrouped(keys, rangeKey, (group, portfolioIds) => listSnapshotSeries(sql, { ...group[0]!, portfolioIds }), []),
      { cacheKeyFn: (key) => `${key.portfolioId}|${rangeKey(key)}` },
    ),
    windowPoints: new DataLoader<WindowPointsKey, SnapshotPoint[], string>(
      async (keys) =>
        loadGrouped(
          keys,
          (key) => `${key.ownerId}|${key.range}`,
          (group, portfolioIds) => listWindowPoints(sql, { portfolioIds, ownerId: group[0]!.ownerId, window: performanceWindow(group[0]!.range, now) }),
          [],
        ),
      { cacheKeyFn: (key) => `${key.portfolioId}|${key.ownerId}|${key.range}` },
    ),
    benchmark: new DataLoader<BenchmarkKey, BenchmarkSeries | null, string>(
      (keys) => Promise.all(keys.map((key) => loadBenchmarkSeries(deps.market, key).catch((error: unknown) => error as Error))),
      { cacheKeyFn: (key) => `${key.symbol}|${key.currency}|${key.fromDay}|${key.toDay}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
