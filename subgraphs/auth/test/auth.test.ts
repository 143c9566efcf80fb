import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken, singleKey } from '@nexanest/graphql';
import { ensureBootstrapAdmin } from '../src/bootstrap-admin.ts';
import { createAuthHarness, TEST_JWT_SECRET } from './harness.ts';

const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken expiresAt
    user { id email role emailVerified profile { displayName baseCurrency timezone } }
  }
}`;
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken expiresAt user { id email role } }
}`;
const ME = `query Me { me { id email role emailVerified createdAt profile { displayName baseCurrency timezone riskTolerance } apiKeys { id name prefix scopes lastUsedAt } } }`;
const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id email } } }`;

interface Registered {
  register: {
    accessToken: string;
    refreshToken: string;
    expiresAt: string;
    user: { id: string; email: string; role: string; profile: { baseCurrency: string } };
  };
}

let h: Awaited<ReturnType<typeof createAuthHarness>>;
const countUsers = async () => Number((await h.sql`select count(*)::int as n from users`)[0]!.n);

beforeAll(async () => {
  h = await createAuthHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('register', () => {
  it('creates an account and returns an access token the platform accepts', async () => {
    const { data, errors } = await h.execute<Registered>(REGISTER, {
      input: { email: 'Alice@Example.com', password: 'alice-password-1', displayName: 'Alice', baseCurrency: 'EUR' },
    });
    expect(errors).toBeUndefined();
    const payload = data!.register;
    expect(payload.user).toMatchObject({ email: 'alice@example.com', role: 'USER', profile: { baseCurrency: 'EUR' } });
    const claims = await verifyAccessToken(payload.accessToken, singleKey(TEST_JWT_SECRET));
    expect(claims).toMatchObject({ userId: payload.user.id, role: 'USER' });
    const [session] = await h.sql`select user_id from user_sessions where id = ${claims!.sessionId}`;
    expect(session?.user_id).toBe(payload.user.id);
  });

  it('stores the refresh token only as its hash', async () => {
    const { data } = await h.execute<Registered>(REGISTER, { input: { email: 'hash@example.com', password: 'hash-password-1' } });
    const { refreshToken, user } = data!.register;
    const rows = await h.sql`select token_hash, expires_at from refresh_tokens where user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toBe(refreshToken);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await h.sql`select * from refresh_tokens`)).not.toContain(refreshToken);
  });

  it('answers CONFLICT for a taken email, whatever its case, and keeps one row', async () => {
    const { codes, errors } = await h.execute(REGISTER, { input: { email: 'ALICE@example.com', password: 'another-password-2' } });
    expect(codes).toEqual(['CONFLICT']);
    expect(errors![0]!.message).toBe('An account with this email already exists');
    expect((await h.sql`select count(*)::int as n from users where email = 'alice@example.com'`)[0]!.n).toBe(1);
  });

  it.each([
    ['a short password', { email: 'bob@example.com', password: 'short' }],
    ['the email as password', { email: 'bob@example.com', password: 'BOB@example.com' }],
    ['a malformed email', { email: 'bob-at-example', password: 'bob-password-1' }],
    ['an unsupported currency', { email: 'bob@example.com', password: 'bob-password-1', baseCurrency: 'XYZ' }],
  ])('answers BAD_USER_INPUT for %s and writes nothing', async (_label, input) => {
    const before = await countUsers();
    const { codes } = await h.execute(REGISTER, { input });
    expect(codes).toEqual(['BAD_USER_INPUT']);
    expect(await countUsers()).toBe(before);
  });
});

describe('login', () => {
  it('signs in with the right password and opens a new session', async () => {
    const { data, errors } = await h.execute<{ login: { accessToken: string; user: { email: string } } }>(LOGIN, {
      email: 'alice@EXAMPLE.com',
      password: 'alice-password-1',
    });
    expect(errors).toBeUndefined();
    expect(data!.login.user.email).toBe('alice@example.com');
    expect(await verifyAccessToken(data!.login.accessToken, singleKey(TEST_JWT_SECRET))).not.toBeNull();
  });

  it('answers a wrong password and an unknown email with the same UNAUTHENTICATED message', async () => {
    const wrong = await h.execute(LOGIN, { email: 'alice@example.com', password: 'not-the-password' });
    const unknown = await h.execute(LOGIN, { email: 'nobody@example.com', password: 'not-the-password' });
    expect(wrong.codes).toEqual(['UNAUTHENTICATED']);
    expect(unknown.codes).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors![0]!.message).toBe('Invalid email or password');
    expect(unknown.errors![0]!.message).toBe(wrong.errors![0]!.message);
  });
});

describe('me and user references', () => {
  it('answers UNAUTHENTICATED without an identity', async () => {
    const { codes, data } = await h.execute(ME);
    expect(codes).toEqual(['UNAUTHENTICATED']);
    expect(data?.me ?? null).toBeNull();
  });

  it('returns the signed-in user with profile and non-revoked API keys, newest first', async () => {
    const [alice] = await h.sql`select id from users where email = 'alice@example.com'`;
    const userId = alice!.id as string;
    await h.sql`insert into api_keys (user_id, name, prefix, secret_hash, scopes, created_at, revoked_at) values
      (${userId}, 'old', 'nn_old', 'h1', '{portfolio:read}', now() - interval '2 days', null),
      (${userId}, 'new', 'nn_new', 'h2', '{market:write}', now() - interval '1 day', null),
      (${userId}, 'revoked', 'nn_rev', 'h3', '{}', now(), now())`;
    const { data, errors } = await h.execute<{ me: { email: string; profile: { displayName: string }; apiKeys: { name: string }[] } }>(
      ME,
      {},
      { userId, role: 'USER' },
    );
    expect(errors).toBeUndefined();
    expect(data!.me).toMatchObject({ email: 'alice@example.com', profile: { displayName: 'Alice' } });
    expect(data!.me.apiKeys.map((key) => key.name)).toEqual(['new', 'old']);
  });

  it("resolves another user's reference to null, and the caller's own to the user", async () => {
    const [alice] = await h.sql`select id from users where email = 'alice@example.com'`;
    const [other] = await h.sql`select id from users where email = 'hash@example.com'`;
    const reps = [{ __typename: 'User', id: alice!.id }];
    const attacker = await h.execute<{ _entities: unknown[] }>(ENTITIES, { reps }, { userId: other!.id as string, role: 'USER' });
    expect(attacker.errors).toBeUndefined();
    expect(attacker.data!._entities).toEqual([null]);
    const self = await h.execute<{ _entities: unknown[] }>(ENTITIES, { reps }, { userId: alice!.id as string, role: 'USER' });
    expect(self.data!._entities).toEqual([{ id: alice!.id, email: 'alice@example.com' }]);
    const admin = await h.execute<{ _entities: unknown[] }>(ENTITIES, { reps }, { userId: other!.id as string, role: 'ADMIN' });
    expect(admin.data!._entities).toEqual([{ id: alice!.id, email: 'alice@example.com' }]);
  });
});

describe('bootstrap admin', () => {
  it('creates the admin once and leaves it alone afterwards', async () => {
    const options = { email: 'admin@nexanest.local', password: 'admin_dev_password' };
    expect(await ensureBootstrapAdmin(h.sql, options)).toEqual({ created: true });
    expect(await ensureBootstrapAdmin(h.sql, options)).toEqual({ created: false });
    const rows = await h.sql`select role from users where email = 'admin@nexanest.local'`;
    expect(rows.map((row) => row.role)).toEqual(['ADMIN']);
    const login = await h.execute<{ login: { user: { role: string } } }>(LOGIN, options);
    expect(login.data!.login.user.role).toBe('ADMIN');
  });
});
