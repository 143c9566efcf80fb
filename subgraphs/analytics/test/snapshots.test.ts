import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger, type Identity, createMarketClient } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { createAnalyticsContext } from '../src/context.ts';
import { migrateAnalytics } from '../src/migrate.ts';
import { createAnalyticsServer } from '../src/server.ts';
import { recordSnapshot } from '../src/snapshots-store.ts';

const SNAPSHOTS = `query($reps: [_Any!]!, $from: DateTime!, $to: DateTime!, $interval: SnapshotInterval!) {
  _entities(representations: $reps) {
    ... on Portfolio { id snapshots(from: $from, to: $to, interval: $interval) { time totalValue { amount currency } dayChangePercent totalReturnPercent } }
  }
}`;

interface Point {
  time: string;
  totalValue: { amount: string; currency: string };
  dayChangePercent: number | null;
  totalReturnPercent: number | null;
}

const databases: TestDatabase[] = [];
const pools: Pool<Record<string, unknown>>[] = [];
let timescale: Pool<Record<string, unknown>>;
const server = createAnalyticsServer({ logger: createLogger('analytics-test', 'silent'), production: true });
const owner: Identity = { userId: randomUUID(), role: 'USER' };
const stranger: Identity = { userId: randomUUID(), role: 'USER' };
const portfolioId = randomUUID();

async function snapshots(identity: Identity | null, args: { from: string; to: string; interval: string }) {
  const response = await server.apollo.executeOperation(
    // The representation the gateway sends: the portfolio subgraph adds its owner.
    { query: SNAPSHOTS, variables: { reps: [{ __typename: 'Portfolio', id: portfolioId, owner: { id: owner.userId } }], ...args } },
    {
      // Snapshots never ask market: the client points nowhere.
      contextValue: createAnalyticsContext({ timescaleSql: timescale.sql, market: createMarketClient({ url: 'http://127.0.0.1:9/graphql' }), riskFreeRate: 0 })(
        identity,
      ),
    },
  );
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  const entity = (data?._entities as ({ snapshots: Point[] } | null)[] | undefined)?.[0];
  return { points: entity?.snapshots, codes: (errors ?? []).map((e) => e.extensions?.code) };
}

const JAN_MAR = { from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' };

beforeAll(async () => {
  for (const prefix of ['analytics', 'timescale']) databases.push(await createTestDatabase(prefix));
  const [analyticsDb, timescaleDb] = databases;
  pools.push(createPool({ url: analyticsDb!.url, max: 2, applicationName: 'nexanest-analytics-test' }));
  timescale = createPool({ url: timescaleDb!.url, max: 4, applicationName: 'nexanest-analytics-test' });
  pools.push(timescale);
  await migrateAnalytics({ analytics: pools[0]!.sql, timescale: timescale.sql });
  // Daily snapshots through January and February 2025: 1000, 1010, 1020, ...
  for (let day = 0; day < 59; day++) {
    const time = new Date(Date.UTC(2025, 0, 1 + day, 23, 59, 59));
    await recordSnapshot(timescale.sql, { portfolioId, ownerId: owner.userId, time, totalValue: `${1000 + day * 10}.50`, currency: 'EUR' });
  }
});
afterAll(async () => {
  await server.apollo.stop().catch(() => {}); // never started when setup failed
  await Promise.all(pools.map((pool) => pool.close()));
  await Promise.all(databases.map((database) => database.drop()));
});

describe('portfolio snapshots', () => {
  it('stores them in a natively partitioned table on a server without TimescaleDB', async () => {
    const [row] = await timescale.sql`
      select count(*)::int as partitions from pg_partitioned_table p
      join pg_inherits i on i.inhparent = p.partrelid
      where p.partrelid = 'analytics_ts.portfolio_snapshots'::regclass`;
    expect(row!.partitions).toBe(17);
    const [journal] = await timescale.sql`select count(*)::int as n from drizzle.__analytics_ts_migrations`;
    expect(journal!.n).toBe(1);
    const [jobs] = await pools[0]!.sql`select to_regclass('public.snapshot_jobs') is not null as exists`;
    expect(jobs!.exists).toBe(true);
  });

  it('lists one point per day with day-over-day and total returns', async () => {
    const { points, codes } = await snapshots(owner, { from: '2025-01-01T00:00:00Z', to: '2025-01-03T23:59:59Z', interval: 'DAY' });
    expect(codes).toEqual([]);
    expect(points!.map((p) => p.totalValue)).toEqual([
      { amount: '1000.5', currency: 'EUR' },
      { amount: '1010.5', currency: 'EUR' },
      { amount: '1020.5', currency: 'EUR' },
    ]);
    expect(points![0]).toMatchObject({ time: '2025-01-01T23:59:59.000Z', dayChangePercent: null, totalReturnPercent: 0 });
    expect(points![1]!.dayChangePercent).toBeCloseTo(0.9995, 4);
    expect(points![2]!.totalReturnPercent).toBeCloseTo(1.999, 3);
  });

  it('lists the last snapshot of each month for MONTH', async () => {
    const { points } = await snapshots(owner, { ...JAN_MAR, interval: 'MONTH' });
    expect(points!.map((p) => [p.time, p.totalValue.amount])).toEqual([
      ['2025-01-31T23:59:59.000Z', '1300.5'],
      ['2025-02-28T23:59:59.000Z', '1580.5'],
    ]);
    expect(points![1]!.dayChangePercent).toBeCloseTo((280 / 1300.5) * 100, 4);
  });

  it('lists the last snapshot of each ISO week for WEEK', async () => {
    const { points } = await snapshots(owner, { from: '2025-01-01T00:00:00Z', to: '2025-01-15T00:00:00Z', interval: 'WEEK' });
    // 2025-01-05 and 2025-01-12 are Sundays; the 14th is the last stored day in the range.
    expect(points!.map((p) => p.time.slice(0, 10))).toEqual(['2025-01-05', '2025-01-12', '2025-01-14']);
  });

  it("shows another owner's portfolio as having no snapshots", async () => {
    const { points, codes } = await snapshots(stranger, { ...JAN_MAR, interval: 'DAY' });
    expect(codes).toEqual([]);
    expect(points).toEqual([]);
  });

  it('answers UNAUTHENTICATED without an identity', async () => {
    expect((await snapshots(null, { ...JAN_MAR, interval: 'DAY' })).codes).toEqual(['UNAUTHENTICATED']);
  });

  it('answers BAD_USER_INPUT when from is not before to', async () => {
    expect((await snapshots(owner, { from: JAN_MAR.to, to: JAN_MAR.from, interval: 'DAY' })).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('caps a range longer than five years to the latest five', async () => {
    const { points } = await snapshots(owner, { from: '2019-01-01T00:00:00Z', to: '2031-01-01T00:00:00Z', interval: 'DAY' });
    expect(points).toEqual([]);
    const recent = await snapshots(owner, { from: '2000-01-01T00:00:00Z', to: '2025-01-02T12:00:00Z', interval: 'DAY' });
    expect(recent.points!.map((p) => p.time)).toEqual(['2025-01-01T23:59:59.000Z']);
  });
});
