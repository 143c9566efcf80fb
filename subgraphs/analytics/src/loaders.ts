import DataLoader from 'dataloader';
import type { Sql } from '@nexanest/db';
import type { SnapshotInterval, SnapshotPoint } from './domain/snapshot-series.ts';
import { listSnapshotSeries } from './snapshots-store.ts';

export interface SnapshotSeriesKey {
  portfolioId: string;
  from: Date;
  to: Date;
  interval: SnapshotInterval;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const rangeKey = (key: Omit<SnapshotSeriesKey, 'portfolioId'>) => `${key.from.toISOString()}|${key.to.toISOString()}|${key.interval}`;

/**
 * Per-request loaders for one caller. Series asked for with the same range and interval (a
 * dashboard listing several portfolios) are read in one query.
 */
export function createLoaders(sql: Sql, ownerId: string | null) {
  return {
    snapshotSeries: new DataLoader<SnapshotSeriesKey, SnapshotPoint[], string>(
      async (keys) => {
        if (!ownerId) return keys.map(() => []);
        const groups = new Map<string, SnapshotSeriesKey[]>();
        for (const key of keys) groups.set(rangeKey(key), [...(groups.get(rangeKey(key)) ?? []), key]);
        const results = new Map<string, SnapshotPoint[]>();
        for (const [range, group] of groups) {
          const first = group[0]!;
          const portfolioIds = [...new Set(group.map((key) => key.portfolioId).filter((id) => UUID.test(id)))];
          const series = portfolioIds.length ? await listSnapshotSeries(sql, { ...first, portfolioIds, ownerId }) : new Map<string, SnapshotPoint[]>();
          for (const key of group) results.set(`${key.portfolioId}|${range}`, series.get(key.portfolioId) ?? []);
        }
        return keys.map((key) => results.get(`${key.portfolioId}|${rangeKey(key)}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.portfolioId}|${rangeKey(key)}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
