import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken, singleKey } from '@nexanest/graphql';
import { createInMemorySessionRevocations, sessionRevokedKey } from '@nexanest/bus';
import { createAuthHarness, TEST_JWT_SECRET } from './harness.ts';
import { LOGIN, LOGOUT, REFRESH, REGISTER, type Tokens } from './operations.ts';

let h: Awaited<ReturnType<typeof createAuthHarness>>;
let n = 0;

beforeAll(async () => {
  h = await createAuthHarness();
});
afterAll(async () => {
  await h?.close();
});

async function signUp(): Promise<Tokens> {
  const { data, errors } = await h.execute<{ register: Tokens }>(REGISTER, { input: { email: `s${++n}@example.com`, password: 'session-password-1' } });
  expect(errors).toBeUndefined();
  return data!.register;
}
const refresh = (refreshToken: string) => h.execute<{ refreshSession: Tokens }>(REFRESH, { refreshToken });
const sessionIdOf = async (token: string) => (await verifyAccessToken(token, singleKey(TEST_JWT_SECRET)))!.sessionId;

describe('refreshSession', () => {
  it('rotates the refresh token and keeps the session (same family)', async () => {
    const first = await signUp();
    const { data, errors } = await refresh(first.refreshToken);
    expect(errors).toBeUndefined();
    const next = data!.refreshSession;
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(await sessionIdOf(next.accessToken)).toBe(await sessionIdOf(first.accessToken));
    const rows = await h.sql`select revoked_at from refresh_tokens where user_id = ${first.user.id} order by created_at`;
    expect(rows.map((row) => row.revoked_at === null)).toEqual([false, true]);
    expect((await refresh(next.refreshToken)).errors).toBeUndefined();
  });

  it('revokes the whole family and the session when a spent token is presented again', async () => {
    const first = await signUp();
    const second = (await refresh(first.refreshToken)).data!.refreshSession;
    const reuse = await refresh(first.refreshToken);
    expect(reuse.codes).toEqual(['UNAUTHENTICATED']);
    // The thief's fresh token dies with the family.
    expect((await refresh(second.refreshToken)).codes).toEqual(['UNAUTHENTICATED']);
    const sessionId = await sessionIdOf(first.accessToken);
    const [session] = await h.sql`select revoked_at from user_sessions where id = ${sessionId}`;
    expect(session!.revoked_at).not.toBeNull();
    const open = await h.sql`select count(*)::int as n from refresh_tokens where family_id = ${sessionId} and revoked_at is null`;
    expect(open[0]!.n).toBe(0);
    expect(await h.redis.get(sessionRevokedKey(h.namespace, sessionId))).toBe('1');
  });

  it('answers UNAUTHENTICATED for an expired or unknown refresh token', async () => {
    const tokens = await signUp();
    await h.sql`update refresh_tokens set expires_at = now() - interval '1 second' where user_id = ${tokens.user.id}`;
    expect((await refresh(tokens.refreshToken)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await refresh('not-a-token')).codes).toEqual(['UNAUTHENTICATED']);
  });
});

describe('logout', () => {
  it('ends the session at once: refresh fails and the revocation key is in Redis DB 2 for 900 s', async () => {
    const tokens = await signUp();
    const { data, errors } = await h.execute<{ logout: boolean }>(LOGOUT, { refreshToken: tokens.refreshToken });
    expect(errors).toBeUndefined();
    expect(data!.logout).toBe(true);
    const sessionId = await sessionIdOf(tokens.accessToken);
    const key = sessionRevokedKey(h.namespace, sessionId);
    expect(key).toBe(`${h.namespace}:session:revoked:${sessionId}`);
    expect(await h.redis.get(key)).toBe('1');
    const ttl = await h.redis.ttl(key);
    expect(ttl).toBeGreaterThan(890);
    expect(ttl).toBeLessThanOrEqual(900);
    expect(await h.deps.sessionRevocations.isRevoked(sessionId)).toBe(true);
    expect((await refresh(tokens.refreshToken)).codes).toEqual(['UNAUTHENTICATED']);
  });

  it("leaves the user's other sessions alone and answers true for an unknown token", async () => {
    const tokens = await signUp();
    const other = (await h.execute<{ login: Tokens }>(LOGIN, { email: tokens.user.email, password: 'session-password-1' })).data!.login;
    await h.execute(LOGOUT, { refreshToken: tokens.refreshToken });
    expect((await refresh(other.refreshToken)).errors).toBeUndefined();
    expect((await h.execute<{ logout: boolean }>(LOGOUT, { refreshToken: 'unknown' })).data!.logout).toBe(true);
  });
});

describe('in-process session revocations', () => {
  it('remembers a revoked session until the access-token lifetime has passed', async () => {
    let now = 1_000_000;
    const revocations = createInMemorySessionRevocations(() => now);
    await revocations.revoke('s1');
    expect(await revocations.isRevoked('s1')).toBe(true);
    expect(await revocations.isRevoked('s2')).toBe(false);
    now += 900_000;
    expect(await revocations.isRevoked('s1')).toBe(false);
  });
});
