import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, statementCounter, type Pool } from '@nexanest/db';
import { createMarketClient } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { performanceWindow, type PerformanceRange } from '../src/domain/performance-range.ts';
import type { SnapshotInterval } from '../src/domain/snapshot-series.ts';
import { createLoaders } from '../src/loaders.ts';
import { migrateAnalytics } from '../src/migrate.ts';
import { listWindowPoints } from '../src/performance-store.ts';
import { listSnapshotSeries, recordSnapshot } from '../src/snapshots-store.ts';

/**
 * The request loaders read every snapshot series and performance window of one tick in one
 * statement. They must answer exactly what each read answers alone.
 */
const POOL = 'analytics-snapshot-reads-test';
const databases: TestDatabase[] = [];
let analytics: Pool<Record<string, unknown>>;
let timescale: Pool<Record<string, unknown>>;
const NOW = new Date(Date.UTC(2025, 5, 30, 12));
const owners = [randomUUID(), randomUUID()];
const portfolios = [randomUUID(), randomUUID(), randomUUID()];
/** Portfolio i belongs to owner i % 2. */
const ownerOf = (i: number) => owners[i % 2] as string;

beforeAll(async () => {
  for (const prefix of ['analytics', 'timescale']) databases.push(await createTestDatabase(prefix));
  analytics = createPool({ url: databases[0]!.url, max: 2, applicationName: POOL });
  timescale = createPool({ url: databases[1]!.url, max: 2, applicationName: POOL });
  await migrateAnalytics({ analytics: analytics.sql, timescale: timescale.sql });
  // 400 days of snapshots, two on some days, with flows on some: every read has points to pick from.
  for (const [i, portfolioId] of portfolios.entries()) {
    for (let day = 0; day < 400; day += 1 + i) {
      const time = new Date(NOW.getTime() - day * 86_400_000);
      const netFlow = day % 9 === 0 ? `${day % 2 ? '-' : ''}${day}.25` : '0';
      await recordSnapshot(timescale.sql, { portfolioId, ownerId: ownerOf(i), time, totalValue: `${5000 + day * 3 + i}.125`, currency: 'EUR', netFlow });
      if (day % 7 === 0) {
        const earlier = new Date(time.getTime() - 3_600_000);
        await recordSnapshot(timescale.sql, { portfolioId, ownerId: ownerOf(i), time: earlier, totalValue: `${4000 + day}.5`, currency: 'EUR', netFlow: '10' });
      }
    }
  }
});
afterAll(async () => {
  await analytics?.close();
  await timescale?.close();
  await Promise.all(databases.map((database) => database.drop()));
});

describe('snapshot reads of one request', () => {
  it('answers series and windows of several owners, ranges and portfolios in one statement, as each read alone', async () => {
    const series: { portfolio: number; owner: number; from: Date; to: Date; interval: SnapshotInterval }[] = [
      { portfolio: 0, owner: 0, from: new Date(Date.UTC(2025, 2, 1)), to: NOW, interval: 'DAY' },
      { portfolio: 2, owner: 0, from: new Date(Date.UTC(2025, 2, 1)), to: NOW, interval: 'DAY' },
      { portfolio: 1, owner: 1, from: new Date(Date.UTC(2024, 6, 1)), to: NOW, interval: 'WEEK' },
      { portfolio: 0, owner: 0, from: new Date(Date.UTC(2024, 0, 1)), to: new Date(Date.UTC(2025, 0, 1)), interval: 'MONTH' },
      // Another owner's portfolio: nothing, in the batch as alone.
      { portfolio: 1, owner: 0, from: new Date(Date.UTC(2025, 2, 1)), to: NOW, interval: 'DAY' },
    ];
    const windows: { portfolio: number; owner: number; range: PerformanceRange }[] = [
      { portfolio: 0, owner: 0, range: 'ONE_YEAR' },
      { portfolio: 2, owner: 0, range: 'ONE_YEAR' },
      { portfolio: 1, owner: 1, range: 'THREE_MONTHS' },
      { portfolio: 0, owner: 0, range: 'MAX' },
      { portfolio: 2, owner: 1, range: 'ONE_MONTH' },
    ];
    const loaders = createLoaders({ sql: timescale.sql, market: createMarketClient({ url: 'http://127.0.0.1:9/graphql' }), now: NOW });
    statementCounter.reset();
    const batched = await Promise.all([
      ...series.map((read) =>
        loaders.snapshotSeries.load({
          portfolioId: portfolios[read.portfolio]!,
          ownerId: owners[read.owner]!,
          from: read.from,
          to: read.to,
          interval: read.interval,
        }),
      ),
      ...windows.map((read) => loaders.windowPoints.load({ portfolioId: portfolios[read.portfolio]!, ownerId: owners[read.owner]!, range: read.range })),
    ]);
    expect(statementCounter.of(POOL)).toBe(1);

    const alone = [
      ...(await Promise.all(
        series.map(async (read) => {
          const portfolioId = portfolios[read.portfolio]!;
          const found = await listSnapshotSeries(timescale.sql, { portfolioIds: [portfolioId], ownerId: owners[read.owner]!, ...read });
          return found.get(portfolioId);
        }),
      )),
      ...(await Promise.all(
        windows.map(async (read) => {
          const portfolioId = portfolios[read.portfolio]!;
          const found = await listWindowPoints(timescale.sql, {
            portfolioIds: [portfolioId],
            ownerId: owners[read.owner]!,
            window: performanceWindow(read.range, NOW),
          });
          return found.get(portfolioId);
        }),
      )),
    ];
    expect(batched).toEqual(alone);
    // Not a comparison of empty answers: all but the two reads of another owner's portfolio have points.
    expect(batched.map((points) => points.length > 0)).toEqual([true, true, true, true, false, true, true, true, true, false]);
  });
});
