import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { createLogger, IDENTITY_HEADER, signIdentity } from '@nexanest/graphql';
import { connectRedis } from '@nexanest/bus';
import { createTestDatabase, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { notificationsEnvSchema } from '../src/env.ts';
import { startNotificationsService } from '../src/start.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('notifications');
});
afterAll(async () => {
  await database?.drop();
});

describe('startNotificationsService', () => {
  it('updates the preferences of the user the gateway vouches for, over HTTP', async () => {
    const env = loadEnv(notificationsEnvSchema, { NODE_ENV: 'test', NOTIFICATIONS_DATABASE_URL: database.url });
    const service = await startNotificationsService({ env, logger: createLogger('notifications-start-test', 'silent'), port: 0 });
    try {
      const identity = await signIdentity({ userId: randomUUID(), role: 'USER' }, env.GATEWAY_IDENTITY_SECRET);
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
        body: JSON.stringify({ query: 'mutation { updateNotificationPreferences(input: { inAppEnabled: false }) { inAppEnabled emailEnabled } }' }),
      });
      expect(await response.json()).toEqual({ data: { updateNotificationPreferences: { inAppEnabled: false, emailEnabled: true } } });
    } finally {
      await service.close();
    }
  });

  it('consumes verification emails from the events stream when REDIS_URL is set, and lists them to an ADMIN', async () => {
    const namespace = uniqueName('notif_start');
    const env = loadEnv(notificationsEnvSchema, {
      NODE_ENV: 'test',
      NOTIFICATIONS_DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      NEXANEST_NAMESPACE: namespace,
    });
    const service = await startNotificationsService({ env, logger: createLogger('notifications-start-test', 'silent'), port: 0 });
    const redis = connectRedis(testRedisUrl(), 0);
    try {
      const payload = { userId: randomUUID(), email: 'dora@example.com', token: 'secret-token', expiresAt: new Date().toISOString() };
      await redis.xadd(`${namespace}:events`, '*', 'topic', 'email_verification.requested', 'payload', JSON.stringify(payload), 'id', randomUUID());
      const identity = await signIdentity({ userId: randomUUID(), role: 'ADMIN' }, env.GATEWAY_IDENTITY_SECRET);
      const list = async () => {
        const response = await fetch(service.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
          body: JSON.stringify({ query: 'query { outboundEmails(to: "Dora@example.com") { to subject } }' }),
        });
        return ((await response.json()) as { data: { outboundEmails: { to: string; subject: string }[] } }).data.outboundEmails;
      };
      const deadline = Date.now() + 5000;
      while ((await list()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await list()).toEqual([{ to: 'dora@example.com', subject: 'Confirm your NexaNest email' }]);
    } finally {
      await service.close();
      await redis.del(`${namespace}:events`);
      await redis.quit();
    }
  });
});
