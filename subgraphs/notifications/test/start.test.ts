import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { createLogger, IDENTITY_HEADER, signIdentity } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
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
});
