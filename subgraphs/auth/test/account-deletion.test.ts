import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleKey, verifyAccessToken, type Identity } from '@nexanest/graphql';
import { pseudonymFor } from '../src/domain/pseudonym.ts';
import { createAuthHarness, TEST_JWT_SECRET } from './harness.ts';
import { REGISTER, type Tokens } from './operations.ts';

const DELETE = 'mutation DeleteMyAccount($password: String!) { deleteMyAccount(password: $password) }';
const EXPORT = 'query { me { personalData { userId generatedAt account } } }';

let h: Awaited<ReturnType<typeof createAuthHarness>>;

beforeAll(async () => {
  h = await createAuthHarness();
});
afterAll(async () => {
  await h?.close();
});

async function register(email: string, password: string) {
  const tokens = (await h.execute<{ register: Tokens }>(REGISTER, { input: { email, password } })).data!.register;
  const claims = (await verifyAccessToken(tokens.accessToken, singleKey(TEST_JWT_SECRET)))!;
  const identity: Identity = { userId: claims.userId, role: 'USER' };
  return { tokens, identity, userId: claims.userId, sessionId: claims.sessionId };
}

const countRows = async (userId: string, email: string) => {
  const [row] = await h.sql<{ users: number; attempts: number; outbox: number }[]>`
    select (select count(*)::int from users where id = ${userId}) as users,
           (select count(*)::int from login_attempts where email = ${email}) as attempts,
           (select count(*)::int from outbox_events where strpos(payload::text, ${userId}) > 0 and topic <> 'user.deleted') as outbox`;
  return row!;
};

describe('deleteMyAccount', () => {
  it('refuses a wrong password with BAD_USER_INPUT and deletes nothing', async () => {
    const fay = await register('fay@example.com', 'fay-password-12');
    const response = await h.execute(DELETE, { password: 'wrong-password-0' }, fay.identity);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect((await countRows(fay.userId, 'fay@example.com')).users).toBe(1);
    expect(await h.sql`select 1 from outbox_events where topic = 'user.deleted'`).toHaveLength(0);
  });

  it('refuses API keys', async () => {
    const gus = await register('gus@example.com', 'gus-password-12');
    const response = await h.execute(DELETE, { password: 'gus-password-12' }, { ...gus.identity, scopes: ['portfolio:read'] });
    expect(response.codes).toEqual(['FORBIDDEN']);
  });

  it('deletes the user, revokes the session and queues user.deleted with a pseudonym in the same transaction', async () => {
    const hal = await register('hal@example.com', 'hal-password-12');
    // Published events naming the user go with the account.
    await h.sql`update outbox_events set published_at = now() where strpos(payload::text, ${hal.userId}) > 0`;
    const response = await h.execute<{ deleteMyAccount: boolean }>(DELETE, { password: 'hal-password-12' }, hal.identity);
    expect(response.errors).toBeUndefined();
    expect(response.data?.deleteMyAccount).toBe(true);
    expect(await countRows(hal.userId, 'hal@example.com')).toEqual({ users: 0, attempts: 0, outbox: 0 });
    const [event] = await h.sql<{ payload: { userId: string; email: string; pseudonym: string } }[]>`
      select payload from outbox_events where topic = 'user.deleted' and published_at is null`;
    expect(event?.payload).toEqual({ userId: hal.userId, email: 'hal@example.com', pseudonym: pseudonymFor(h.deps.pseudonymSecret, hal.userId) });
    expect(event?.payload.pseudonym).not.toContain(hal.userId);
    expect(await h.deps.sessionRevocations.isRevoked(hal.sessionId)).toBe(true);
  });

  it("exports only the caller's own account, and queues data.exported", async () => {
    const ida = await register('ida@example.com', 'ida-password-12');
    const response = await h.execute<{ me: { personalData: { userId: string; account: { user: { email: string } } } } }>(EXPORT, {}, ida.identity);
    expect(response.errors).toBeUndefined();
    expect(response.data?.me.personalData.account.user.email).toBe('ida@example.com');
    const exported = await h.sql`select 1 from outbox_events where topic = 'data.exported' and payload->>'userId' = ${ida.userId}`;
    expect(exported).toHaveLength(1);
    const other = await register('jon@example.com', 'jon-password-12');
    const entity = await h.execute(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on PersonalData { account } } }',
      { reps: [{ __typename: 'PersonalData', userId: ida.userId }] },
      other.identity,
    );
    expect(entity.codes).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(entity.data ?? null)).not.toContain('ida@example.com');
  });
});
