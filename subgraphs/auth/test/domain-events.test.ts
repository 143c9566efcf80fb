import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHarness } from './harness.ts';
import { LOGIN, REGISTER, SET_USER_ROLE, type Tokens } from './operations.ts';

let h: Awaited<ReturnType<typeof createAuthHarness>>;
beforeAll(async () => {
  h = await createAuthHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The events auth wrote to its outbox (the relay publishes them as they are), oldest first. */
const outbox = async (topic: string) =>
  (await h.sql`select payload from outbox_events where topic = ${topic} order by created_at, id`).map((row) => row.payload as Record<string, unknown>);

describe('auth domain events in the outbox', () => {
  it('announces a registration with the new user', async () => {
    const { data } = await h.execute<{ register: Tokens }>(REGISTER, {
      input: { email: 'reg@example.com', password: 'reg-password-1', displayName: 'Reggie' },
    });
    const userId = data!.register.user.id;
    expect(await outbox('user.registered')).toContainEqual({ userId, email: 'reg@example.com', displayName: 'Reggie' });
  });

  it('records sign-ins and failures, and calls a sign-in from a new address suspicious', async () => {
    const { data } = await h.execute<{ register: Tokens }>(REGISTER, { input: { email: 'sam@example.com', password: 'sam-password-1' } });
    const userId = data!.register.user.id;
    const login = (password: string, ip: string | null) => h.execute(LOGIN, { email: 'sam@example.com', password }, null, ip);

    expect((await login('sam-password-1', '192.0.2.10')).codes).toEqual([]); // first sign-in: nothing to compare with
    expect((await login('sam-password-1', '192.0.2.10')).codes).toEqual([]); // known address
    expect((await login('sam-password-1', null)).codes).toEqual([]); // no vouched address: not judged
    expect((await login('wrong-password-1', '198.51.100.3')).codes).toEqual(['UNAUTHENTICATED']);
    expect((await login('sam-password-1', '198.51.100.3')).codes).toEqual([]); // new address: suspicious
    expect((await login('sam-password-1', '198.51.100.3')).codes).toEqual([]); // known now

    const mine = (events: Record<string, unknown>[]) => events.filter((event) => event.userId === userId);
    expect(mine(await outbox('login.succeeded')).map((event) => event.ip)).toEqual(['192.0.2.10', '192.0.2.10', null, '198.51.100.3', '198.51.100.3']);
    expect(mine(await outbox('login.suspicious'))).toEqual([{ userId, ip: '198.51.100.3' }]);
    expect((await outbox('login.failed')).filter((event) => event.email === 'sam@example.com')).toEqual([{ email: 'sam@example.com', ip: '198.51.100.3' }]);
  });

  it('announces a role change with who made it, and nothing when the role stays', async () => {
    const admin = (await h.execute<{ register: Tokens }>(REGISTER, { input: { email: 'boss@example.com', password: 'boss-password-1' } })).data!.register.user
      .id;
    const target = (await h.execute<{ register: Tokens }>(REGISTER, { input: { email: 'ria@example.com', password: 'ria-password-1' } })).data!.register.user
      .id;
    const asAdmin = { userId: admin, role: 'ADMIN' as const };
    expect((await h.execute(SET_USER_ROLE, { userId: target, role: 'ADVISOR' }, asAdmin)).codes).toEqual([]);
    expect((await h.execute(SET_USER_ROLE, { userId: target, role: 'ADVISOR' }, asAdmin)).codes).toEqual([]);
    expect((await outbox('role.changed')).filter((event) => event.userId === target)).toEqual([{ userId: target, byUserId: admin, role: 'ADVISOR' }]);
  });
});
