import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger, type Identity } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { createNotificationsContext } from '../src/context.ts';
import { schema, type NotificationsPool } from '../src/db/index.ts';
import { createNotificationsServer } from '../src/server.ts';
import { testDeps } from './deps.ts';

const PREFS = 'emailEnabled inAppEnabled priceAlerts transactionConfirmations securityAlerts';
const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id notificationPreferences { ${PREFS} } } } }`;
const UPDATE = `mutation($input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { ${PREFS} } }`;
const ALL_ON = { emailEnabled: true, inAppEnabled: true, priceAlerts: true, transactionConfirmations: true, securityAlerts: true };

let database: TestDatabase;
let pool: NotificationsPool;
const server = createNotificationsServer({ logger: createLogger('notifications-test', 'silent'), production: true });
const ann: Identity = { userId: randomUUID(), role: 'USER' };
const bob: Identity = { userId: randomUUID(), role: 'USER' };

async function execute(query: string, variables: Record<string, unknown>, identity: Identity | null) {
  const response = await server.apollo.executeOperation({ query, variables }, { contextValue: createNotificationsContext(testDeps(pool))(identity) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors } = response.body.singleResult;
  return { data: data as Record<string, any> | null | undefined, codes: (errors ?? []).map((e) => e.extensions?.code) };
}
const preferencesOf = async (userId: string, identity: Identity | null) =>
  (await execute(ENTITIES, { reps: [{ __typename: 'User', id: userId }] }, identity)).data?._entities[0];

beforeAll(async () => {
  database = await createTestDatabase('notifications');
  pool = createPool({ url: database.url, max: 4, schema, applicationName: 'nexanest-notifications-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
});
afterAll(async () => {
  await server.apollo.stop().catch(() => {}); // never started when setup failed
  await pool?.close();
  await database?.drop();
});

describe('notification preferences', () => {
  it('are all on for a user who never changed them', async () => {
    expect(await preferencesOf(ann.userId, ann)).toEqual({ id: ann.userId, notificationPreferences: ALL_ON });
  });

  it('change when the user updates them', async () => {
    const { data, codes } = await execute(UPDATE, { input: { emailEnabled: false, priceAlerts: false } }, ann);
    expect(codes).toEqual([]);
    expect(data!.updateNotificationPreferences).toEqual({ ...ALL_ON, emailEnabled: false, priceAlerts: false });
    expect((await preferencesOf(ann.userId, ann)).notificationPreferences).toEqual({ ...ALL_ON, emailEnabled: false, priceAlerts: false });
  });

  it('keep the fields a partial update leaves out', async () => {
    const { data } = await execute(UPDATE, { input: { emailEnabled: true, securityAlerts: false } }, ann);
    expect(data!.updateNotificationPreferences).toEqual({ ...ALL_ON, priceAlerts: false, securityAlerts: false });
    const rows = await pool.sql`select count(*)::int as n from notification_preferences where user_id = ${ann.userId}`;
    expect(rows[0]!.n).toBe(1);
  });

  it('cannot be changed without signing in', async () => {
    const { codes } = await execute(UPDATE, { input: { emailEnabled: false } }, null);
    expect(codes).toEqual(['UNAUTHENTICATED']);
  });

  it('are not readable by another user, who sees no such user', async () => {
    expect(await preferencesOf(ann.userId, bob)).toBeNull();
    expect(await preferencesOf(ann.userId, null)).toBeNull();
  });
});
