import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@nexanest/graphql';
import { verifyApiKeySecret } from '../src/api-keys.ts';
import { createAuthHarness } from './harness.ts';
import { CREATE_API_KEY, ME, REGISTER, REVOKE_API_KEY, UPDATE_PROFILE, type Tokens } from './operations.ts';

let h: Awaited<ReturnType<typeof createAuthHarness>>;
let frank: Identity;
let grace: Identity;

beforeAll(async () => {
  h = await createAuthHarness();
  const signUp = async (email: string) =>
    (await h.execute<{ register: Tokens }>(REGISTER, { input: { email, password: 'profile-password-1' } })).data!.register.user;
  frank = { userId: (await signUp('frank@example.com')).id, role: 'USER' };
  grace = { userId: (await signUp('grace@example.com')).id, role: 'USER' };
});
afterAll(async () => {
  await h?.close();
});

interface Created {
  createApiKey: { secret: string; apiKey: { id: string; name: string; prefix: string; scopes: string[]; expiresAt: string | null } };
}

describe('updateProfile', () => {
  it('changes the given fields and keeps the others', async () => {
    const input = { displayName: 'Frank', baseCurrency: 'chf', timezone: 'Europe/Berlin', riskTolerance: 'AGGRESSIVE' };
    const { data, errors } = await h.execute<{ updateProfile: { profile: unknown } }>(UPDATE_PROFILE, { input }, frank);
    expect(errors).toBeUndefined();
    expect(data!.updateProfile.profile).toEqual({ displayName: 'Frank', baseCurrency: 'CHF', timezone: 'Europe/Berlin', riskTolerance: 'AGGRESSIVE' });
    const again = await h.execute<{ updateProfile: { profile: unknown } }>(UPDATE_PROFILE, { input: { timezone: 'America/New_York' } }, frank);
    expect(again.data!.updateProfile.profile).toMatchObject({ displayName: 'Frank', baseCurrency: 'CHF', timezone: 'America/New_York' });
  });

  it.each([
    ['displayName', { displayName: 'x'.repeat(101) }],
    ['baseCurrency', { baseCurrency: 'XYZ' }],
    ['timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['timezone', { timezone: '+01:00' }],
  ])('answers BAD_USER_INPUT naming %s', async (field, input) => {
    const { codes, errors } = await h.execute(UPDATE_PROFILE, { input }, frank);
    expect(codes).toEqual(['BAD_USER_INPUT']);
    expect(errors![0]!.extensions!.field).toBe(field);
  });

  it('answers UNAUTHENTICATED without an identity', async () => {
    expect((await h.execute(UPDATE_PROFILE, { input: { displayName: 'x' } })).codes).toEqual(['UNAUTHENTICATED']);
  });
});

describe('API keys', () => {
  it('creates a key, shows the secret once, and stores only its hash', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const { data, errors } = await h.execute<Created>(CREATE_API_KEY, { input: { name: 'CI', scopes: ['portfolio:read'], expiresAt } }, frank);
    expect(errors).toBeUndefined();
    const { secret, apiKey } = data!.createApiKey;
    expect(secret).toMatch(/^nn_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect(apiKey).toMatchObject({ name: 'CI', scopes: ['portfolio:read'], expiresAt });
    expect(JSON.stringify(await h.sql`select * from api_keys`)).not.toContain(secret);
    const me = await h.execute<{ me: { apiKeys: { id: string }[] } }>(ME, {}, frank);
    expect(me.data!.me.apiKeys.map((key) => key.id)).toContain(apiKey.id);
    expect(await verifyApiKeySecret(h.deps, secret)).toEqual({ keyId: apiKey.id, userId: frank.userId, role: 'USER', scopes: ['portfolio:read'] });
  });

  it.each([
    ['scopes', { name: 'bad', scopes: ['admin:all'] }],
    ['scopes', { name: 'empty', scopes: [] }],
    ['expiresAt', { name: 'past', scopes: ['market:write'], expiresAt: '2020-01-01T00:00:00Z' }],
  ])('answers BAD_USER_INPUT naming %s', async (field, input) => {
    const { codes, errors } = await h.execute(CREATE_API_KEY, { input }, frank);
    expect(codes).toEqual(['BAD_USER_INPUT']);
    expect(errors![0]!.extensions!.field).toBe(field);
  });

  it("revokes the caller's own key; another user's key answers NOT_FOUND", async () => {
    const created = (await h.execute<Created>(CREATE_API_KEY, { input: { name: 'temp', scopes: ['market:write'] } }, frank)).data!.createApiKey;
    expect((await h.execute(REVOKE_API_KEY, { id: created.apiKey.id }, grace)).codes).toEqual(['NOT_FOUND']);
    expect((await h.execute(REVOKE_API_KEY, { id: 'not-a-uuid' }, frank)).codes).toEqual(['NOT_FOUND']);
    expect((await h.execute<{ revokeApiKey: boolean }>(REVOKE_API_KEY, { id: created.apiKey.id }, frank)).data!.revokeApiKey).toBe(true);
    expect((await h.execute(REVOKE_API_KEY, { id: created.apiKey.id }, frank)).codes).toEqual(['NOT_FOUND']);
    expect(await verifyApiKeySecret(h.deps, created.secret)).toBeNull();
  });

  it('refuses an expired key and writes last_used_at at most once a minute', async () => {
    const created = (await h.execute<Created>(CREATE_API_KEY, { input: { name: 'touch', scopes: ['market:write'] } }, frank)).data!.createApiKey;
    const lastUsed = async () => (await h.sql`select last_used_at from api_keys where id = ${created.apiKey.id}`)[0]!.last_used_at as string | null;
    const t0 = new Date();
    await verifyApiKeySecret(h.deps, created.secret, t0);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await verifyApiKeySecret(h.deps, created.secret, new Date(t0.getTime() + 30_000));
    expect(await lastUsed()).toEqual(first);
    await verifyApiKeySecret(h.deps, created.secret, new Date(t0.getTime() + 61_000));
    expect(await lastUsed()).not.toEqual(first);
    await h.sql`update api_keys set expires_at = now() - interval '1 second' where id = ${created.apiKey.id}`;
    expect(await verifyApiKeySecret(h.deps, created.secret)).toBeNull();
  });
});
