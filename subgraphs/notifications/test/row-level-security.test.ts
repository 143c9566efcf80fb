import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DEV_SECRETS } from '@nexanest/config';
import { appRoleUrl, ensureAppRole, migrateDatabase } from '@nexanest/db';
import { asCaller, createTestDatabase, type TestDatabase, type DatabaseCaller } from '@nexanest/testing';

/**
 * Defence in depth: the resolvers are skipped entirely; statements go to PostgreSQL as the role
 * the service's requests run as, the way a bug in an application check would send them.
 */
let database: TestDatabase;
let owner: postgres.Sql;
let app: postgres.Sql;
const alice = randomUUID();
const mallory = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase('notifications_rls');
  await ensureAppRole(database.url, DEV_SECRETS.APP_DB_PASSWORD);
  owner = postgres(database.url, { max: 2, onnotice: () => {} });
  await migrateDatabase(owner, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
  app = postgres(appRoleUrl(database.url, DEV_SECRETS.APP_DB_PASSWORD), { max: 2, onnotice: () => {} });
  await owner`insert into notifications (user_id, kind, title, body) values (${alice}, 'SECURITY', 'New sign-in', 'From a new device')`;
  await owner`insert into price_alerts (user_id, symbol, condition, threshold) values (${alice}, 'AAPL', 'ABOVE', 200)`;
  await owner`insert into notification_preferences (user_id) values (${alice})`;
  await owner`insert into outbound_emails (event_id, user_id, to_address, subject, body, kind) values ('e-1', ${alice}, 'alice@example.com', 'Reset', 'token inside', 'password_reset')`;
});
afterAll(async () => {
  await app?.end();
  await owner?.end();
  await database?.drop();
});

const as = <T>(caller: DatabaseCaller | null, fn: (tx: postgres.TransactionSql) => Promise<T>) => asCaller(app, caller, fn);

const visible = (caller: { userId: string; role: string } | null) =>
  as(caller, async (tx) => {
    const [row] = await tx`select
      (select count(*)::int from notifications) as notifications,
      (select count(*)::int from price_alerts) as alerts,
      (select count(*)::int from notification_preferences) as preferences,
      (select count(*)::int from outbound_emails) as emails`;
    return row;
  });

describe('row-level security on the notifications database', () => {
  it('shows a user their own rows, their own queued emails included (for ExportMyData)', async () => {
    expect(await visible({ userId: alice, role: 'USER' })).toEqual({ notifications: 1, alerts: 1, preferences: 1, emails: 1 });
  });

  it('shows another user, or a connection without a caller, nothing', async () => {
    expect(await visible({ userId: mallory, role: 'USER' })).toEqual({ notifications: 0, alerts: 0, preferences: 0, emails: 0 });
    expect(await visible(null)).toEqual({ notifications: 0, alerts: 0, preferences: 0, emails: 0 });
  });

  it("refuses another user's writes", async () => {
    const marked = await as({ userId: mallory, role: 'USER' }, (tx) => tx`update notifications set read_at = now()`);
    expect(marked.count).toBe(0);
    const removed = await as({ userId: mallory, role: 'USER' }, (tx) => tx`delete from price_alerts`);
    expect(removed.count).toBe(0);
    await expect(
      as(
        { userId: mallory, role: 'USER' },
        (tx) => tx`insert into notifications (user_id, kind, title, body) values (${alice}, 'SYSTEM', 'Phish', 'Click here')`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const [row] = await owner`select count(*)::int as n, count(read_at)::int as read from notifications`;
    expect(row).toEqual({ n: 1, read: 0 });
  });

  it('lets operators read the outbox and nobody write it through the service role', async () => {
    expect((await visible({ userId: mallory, role: 'ADMIN' }))?.emails).toBe(1);
    await expect(
      as(
        { userId: mallory, role: 'ADMIN' },
        (tx) => tx`insert into outbound_emails (event_id, to_address, subject, body, kind) values ('e-2', 'x@example.com', 's', 'b', 'k')`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const updated = await as({ userId: mallory, role: 'SUPERUSER' }, (tx) => tx`update outbound_emails set to_address = 'mallory@example.com'`);
    expect(updated.count).toBe(0);
  });

  it('forces row-level security on every table', async () => {
    const tables = await owner`select relname, relforcerowsecurity from pg_class
      where relname in ('notifications', 'price_alerts', 'notification_preferences', 'outbound_emails') order by relname`;
    expect(tables.map((t) => [t.relname, t.relforcerowsecurity])).toEqual([
      ['notification_preferences', true],
      ['notifications', true],
      ['outbound_emails', true],
      ['price_alerts', true],
    ]);
  });
});
