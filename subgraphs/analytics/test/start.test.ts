import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { createPool } from '@nexanest/db';
import { createLogger, IDENTITY_HEADER, signIdentity } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { migrateAnalytics } from '../src/migrate.ts';
import { recordSnapshot } from '../src/snapshots-store.ts';
import { analyticsEnvSchema } from '../src/env.ts';
import { startAnalyticsService } from '../src/start.ts';

const databases: TestDatabase[] = [];

beforeAll(async () => {
  for (const prefix of ['analytics', 'timescale', 'replica']) databases.push(await createTestDatabase(prefix));
});
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

describe('startAnalyticsService', () => {
  it('migrates both databases, serves, and starts again over the same databases', async () => {
    const env = loadEnv(analyticsEnvSchema, { NODE_ENV: 'test', ANALYTICS_DATABASE_URL: databases[0]!.url, TIMESCALE_DATABASE_URL: databases[1]!.url });
    for (let round = 0; round < 2; round++) {
      const service = await startAnalyticsService({ env, logger: createLogger('analytics-start-test', 'silent'), port: 0 });
      try {
        const response = await fetch(service.url.replace('/graphql', '/health'));
        expect(await response.json()).toEqual({ status: 'ok' });
      } finally {
        await service.close();
      }
    }
  });

  it('reads snapshots from ANALYTICS_READ_DATABASE_URL when it is set, and checks it for readiness', async () => {
    const [analytics, timescale, replica] = databases as [TestDatabase, TestDatabase, TestDatabase];
    // Stands in for a streaming replica: the same schema, and rows only the replica has, so
    // an answer that shows them can only have come from there.
    const replicaPool = createPool({ url: replica.url, max: 1, applicationName: 'analytics-replica-test' });
    const primaryPool = createPool({ url: analytics.url, max: 1, applicationName: 'analytics-replica-test' });
    const ownerId = randomUUID();
    const portfolioId = randomUUID();
    try {
      await migrateAnalytics({ analytics: primaryPool.sql, timescale: replicaPool.sql });
      await recordSnapshot(replicaPool.sql, { portfolioId, ownerId, time: new Date('2026-01-05T21:00:00Z'), totalValue: '1234.5', currency: 'USD' });
    } finally {
      await replicaPool.close();
      await primaryPool.close();
    }
    const env = loadEnv(analyticsEnvSchema, {
      NODE_ENV: 'test',
      ANALYTICS_DATABASE_URL: analytics.url,
      TIMESCALE_DATABASE_URL: timescale.url,
      ANALYTICS_READ_DATABASE_URL: replica.url,
    });
    const service = await startAnalyticsService({ env, logger: createLogger('analytics-start-test', 'silent'), port: 0 });
    try {
      const identity = await signIdentity({ userId: ownerId, role: 'USER' }, env.GATEWAY_IDENTITY_SECRET);
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
        body: JSON.stringify({
          query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Portfolio { snapshots(from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z", interval: DAY) { totalValue { amount } } } } }`,
          variables: { reps: [{ __typename: 'Portfolio', id: portfolioId, owner: { id: ownerId } }] },
        }),
      });
      const body = (await response.json()) as { data: { _entities: Array<{ snapshots: Array<{ totalValue: { amount: string } }> }> } };
      expect(body.data._entities[0]?.snapshots.map((s) => s.totalValue.amount)).toEqual(['1234.5']);
      const ready = await (await fetch(service.url.replace('/graphql', '/health/ready'))).json();
      expect(ready.checks['timescale.replica']).toMatchObject({ ok: true });
    } finally {
      await service.close();
    }
  });
});
