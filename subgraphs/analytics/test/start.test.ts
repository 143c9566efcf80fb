import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { analyticsEnvSchema } from '../src/env.ts';
import { startAnalyticsService } from '../src/start.ts';

const databases: TestDatabase[] = [];

beforeAll(async () => {
  for (const prefix of ['analytics', 'timescale']) databases.push(await createTestDatabase(prefix));
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
});
