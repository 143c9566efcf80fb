import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadEnv } from '@nexanest/config';
import { createLogger, IDENTITY_HEADER, signIdentity } from '@nexanest/graphql';
import { connectRedis, createBus } from '@nexanest/bus';
import { createTestDatabase, dropRedisNamespace, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { createPool } from '@nexanest/db';
import { schema } from '../src/db/index.ts';
import { insertPriceAlert } from '../src/price-alerts-store.ts';
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
    const env = loadEnv(notificationsEnvSchema, { NODE_ENV: 'test', NOTIFICATIONS_DATABASE_URL: database.url, TIMESCALE_DATABASE_URL: database.url });
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
      TIMESCALE_DATABASE_URL: database.url,
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

  it('serves notificationAdded over graphql-ws to its owner only, whoever else listens', async () => {
    const namespace = uniqueName('notif_ws');
    const env = loadEnv(notificationsEnvSchema, {
      NODE_ENV: 'test',
      NOTIFICATIONS_DATABASE_URL: database.url,
      TIMESCALE_DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      NEXANEST_NAMESPACE: namespace,
    });
    const service = await startNotificationsService({ env, logger: createLogger('notifications-start-test', 'silent'), port: 0 });
    const market = createBus({ redisUrl: testRedisUrl(), namespace });
    const redis = connectRedis(testRedisUrl(), 0);
    const pool = createPool({ url: database.url, max: 2, schema, applicationName: 'notifications-ws-test' });
    const [victim, attacker] = [randomUUID(), randomUUID()];
    const connect = async (userId: string | null) =>
      createClient({
        url: service.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: userId ? { [IDENTITY_HEADER]: await signIdentity({ userId, role: 'USER' }, env.GATEWAY_IDENTITY_SECRET) } : {},
      });
    const query = 'subscription { notificationAdded { id kind title data } }';
    const clients = [await connect(victim), await connect(attacker), await connect(null)];
    try {
      const listening = async (userId: string) => {
        for (let i = 0; i < 100 && ((await redis.pubsub('NUMSUB', `${namespace}:notifications:${userId}`)) as [string, number])[1] === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
      };
      const anonymous = clients[2]!.iterate({ query });
      expect((await anonymous.next()).value).toMatchObject({
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })],
      });

      const victimEvents = clients[0]!.iterate({ query });
      const attackerEvents = clients[1]!.iterate({ query });
      const [victimNext, attackerNext] = [victimEvents.next(), attackerEvents.next()];
      await listening(victim);
      await listening(attacker);
      for (const [userId, threshold] of [
        [victim, '10'],
        [attacker, '20'],
      ] as const) {
        await insertPriceAlert(pool.db, { userId, symbol: 'SAP', condition: 'ABOVE', threshold, conditionMet: false, lastPrice: null, lastTickAt: null });
      }
      await service.evaluator.watch('SAP');
      for (let i = 0; i < 100 && ((await redis.pubsub('NUMSUB', `${namespace}:prices:SAP`)) as [string, number])[1] === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const tick = (price: string, second: number) =>
        market.publish('prices:SAP', JSON.stringify({ symbol: 'SAP', price, time: new Date(Date.UTC(2026, 10, 20, 9, 0, second)).toISOString() }));
      await tick('15', 1); // the victim's alert only
      const victimEvent = (await victimNext).value as { data: { notificationAdded: { kind: string; data: { price: string } } } };
      expect(victimEvent.data.notificationAdded).toMatchObject({ kind: 'PRICE_ALERT', title: 'SAP is above 10', data: { price: '15' } });
      await tick('25', 2); // now the attacker's: the first thing the attacker ever receives is their own
      const attackerEvent = (await attackerNext).value as { data: { notificationAdded: { title: string; data: { price: string } } } };
      expect(attackerEvent.data.notificationAdded).toMatchObject({ title: 'SAP is above 20', data: { price: '25' } });
      await victimEvents.return?.();
      await attackerEvents.return?.();
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await service.close();
      await market.close();
      redis.disconnect();
      await pool.close();
      await dropRedisNamespace(namespace);
    }
  });
});
