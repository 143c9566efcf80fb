import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { connectRedis, eventsStreamKey, type Redis } from '@nexanest/bus';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { createTestDatabase, readMetric, readUntil, dropRedisNamespace, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { NOTIFICATIONS_CONSUMER_GROUP } from '../src/events/events-consumer.ts';
import { notificationsEnvSchema } from '../src/env.ts';
import { startNotificationsService } from '../src/start.ts';

// The service's /metrics: its two pools, and the consumer groups of the events stream (XINFO GROUPS at each scrape).
let database: TestDatabase;
let timescale: TestDatabase;
let service: ServiceHandle;
let redis: Redis;
const namespace = uniqueName('notif_metrics');
const stream = eventsStreamKey(namespace);
beforeAll(async () => {
  database = await createTestDatabase('notifications_metrics');
  timescale = await createTestDatabase('notifications_metrics_ts');
  const env = loadEnv(notificationsEnvSchema, {
    NODE_ENV: 'test',
    NOTIFICATIONS_DATABASE_URL: database.url,
    TIMESCALE_DATABASE_URL: timescale.url,
    REDIS_URL: testRedisUrl(),
    NEXANEST_NAMESPACE: namespace,
  });
  service = await startNotificationsService({ env, logger: createLogger('notifications-metrics-test', 'silent'), port: 0 });
  redis = connectRedis(testRedisUrl(), 0);
});
afterAll(async () => {
  redis?.disconnect();
  await service?.close();
  await dropRedisNamespace(namespace);
  await database?.drop();
  await timescale?.drop();
});

describe('notifications /metrics', () => {
  it('reports both pools', async () => {
    expect(await readMetric(service.url, 'db_pool_max_connections', { pool: 'notifications_workers' })).toBe(5);
    expect(await readMetric(service.url, 'db_pool_connections', { pool: 'notifications', state: 'in_use' })).toBe(0);
    expect(await readMetric(service.url, 'db_pool_connections', { pool: 'notifications_workers', state: 'open' })).toBeGreaterThan(0);
  });

  it('reports pending entries and lag per consumer group of the events stream, as they move', async () => {
    const group = { stream, group: NOTIFICATIONS_CONSUMER_GROUP };
    expect(await readMetric(service.url, 'redis_stream_group_consumers', group)).toBe(1);
    // A second group that nobody reads: what it has not been given is its lag.
    await redis.xgroup('CREATE', stream, 'metrics-probe', '$');
    const probe = { stream, group: 'metrics-probe' };
    for (let i = 0; i < 3; i++) await redis.xadd(stream, '*', 'topic', 'metrics.probe', 'payload', '{}', 'id', `probe-${i}`);
    expect(await readMetric(service.url, 'redis_stream_group_lag', probe)).toBe(3);
    expect(await readMetric(service.url, 'redis_stream_group_pending', probe)).toBe(0);
    // The service's own consumer takes (and acknowledges) the same entries.
    expect(await readUntil(() => readMetric(service.url, 'redis_stream_group_lag', group), 0)).toBe(0);
    expect(await readUntil(() => readMetric(service.url, 'redis_stream_group_pending', group), 0)).toBe(0);

    await redis.xreadgroup('GROUP', 'metrics-probe', 'probe-consumer', 'COUNT', 2, 'STREAMS', stream, '>');
    expect(await readMetric(service.url, 'redis_stream_group_lag', probe)).toBe(1);
    expect(await readMetric(service.url, 'redis_stream_group_pending', probe)).toBe(2);
  });
});
