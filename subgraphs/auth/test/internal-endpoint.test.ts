import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, eventsStreamKey, fieldMap, sessionRevokedKey, type Redis } from '@nexanest/bus';
import { loadEnv } from '@nexanest/config';
import { createPool } from '@nexanest/db';
import {
  ADVISOR_LOOKUP_PATH,
  API_KEY_VERIFY_PATH,
  CLIENT_IP_HEADER,
  CLIENT_IP_SIGNATURE_HEADER,
  createLogger,
  IDENTITY_HEADER,
  INTERNAL_SIGNATURE_HEADER,
  signClientIp,
  signIdentity,
  signInternal,
  type ServiceHandle,
} from '@nexanest/graphql';
import { createTestDatabase, testRedisUrl, uniqueName, type TestDatabase, dropRedisNamespace } from '@nexanest/testing';
import { authEnvSchema, type AuthEnv } from '../src/env.ts';
import { startAuthService } from '../src/start.ts';
import { CREATE_API_KEY, LOGIN, LOGOUT, REGISTER, type Tokens } from './operations.ts';

let database: TestDatabase;
let service: ServiceHandle;
let env: AuthEnv;
let stream: Redis;
let sessions: Redis;
const namespace = uniqueName('nn_test_auth_http');

beforeAll(async () => {
  database = await createTestDatabase('auth_http');
  env = loadEnv(authEnvSchema, {
    NODE_ENV: 'test',
    AUTH_DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    NEXANEST_NAMESPACE: namespace,
    AUTH_OUTBOX_RELAY_INTERVAL_MS: '20',
  });
  service = await startAuthService({ env, logger: createLogger('auth-http-test', 'silent'), port: 0 });
  stream = connectRedis(testRedisUrl(), 0);
  sessions = connectRedis(testRedisUrl(), 2);
});
afterAll(async () => {
  await service?.close();
  await stream?.del(eventsStreamKey(namespace));
  const keys = (await sessions?.keys(`${namespace}:*`)) ?? [];
  if (keys.length) await sessions.del(...keys);
  stream?.disconnect();
  sessions?.disconnect();
  await database?.drop();
  await dropRedisNamespace(namespace);
});

const base = () => service.url.replace(/\/graphql$/, '');

async function gql<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: { extensions: { code: string } }[] };
}

async function verify(body: string, signature: string | null, path = API_KEY_VERIFY_PATH) {
  const response = await fetch(`${base()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { [INTERNAL_SIGNATURE_HEADER]: signature } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('auth service over HTTP with Redis', () => {
  let henry: Tokens;

  it('publishes the registration email through the running relay to the Redis stream', async () => {
    henry = (await gql<{ register: Tokens }>(REGISTER, { input: { email: 'henry@example.com', password: 'henry-password-1' } })).data!.register;
    await expect
      .poll(async () => (await stream.xrange(eventsStreamKey(namespace), '-', '+')).map(([, fields]) => fieldMap(fields).get('topic')), { timeout: 5000 })
      .toContain('email_verification.requested');
  });

  it('verifies an API key for the gateway, signed with HMAC-SHA256 of the raw body', async () => {
    const identity = await signIdentity({ userId: henry.user.id, role: 'USER' }, env.GATEWAY_IDENTITY_SECRET);
    const created = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      CREATE_API_KEY,
      { input: { name: 'bot', scopes: ['portfolio:read', 'portfolio:write'] } },
      { [IDENTITY_HEADER]: identity },
    );
    const { secret, apiKey } = created.data!.createApiKey;
    const body = JSON.stringify({ secret });
    const ok = await verify(body, signInternal(body, env.GATEWAY_IDENTITY_SECRET));
    expect(ok).toEqual({ status: 200, body: { userId: henry.user.id, role: 'USER', scopes: ['portfolio:read', 'portfolio:write'], keyId: apiKey.id } });
    expect((await verify(body, null)).status).toBe(401);
    expect((await verify(body, signInternal(body, 'x'.repeat(40)))).status).toBe(401);
    const unknown = JSON.stringify({ secret: `${secret.slice(0, -4)}AAAA` });
    expect(await verify(unknown, signInternal(unknown, env.GATEWAY_IDENTITY_SECRET))).toEqual({ status: 404, body: {} });
  });

  it('finds an advisor by email for portfolio, and nobody who is not an advisor', async () => {
    const pool = createPool({ url: database.url, max: 1, applicationName: 'auth-http-test' });
    try {
      await pool.sql`update users set role = 'ADVISOR' where id = ${henry.user.id}`;
      const signed = (email: string) => {
        const body = JSON.stringify({ email });
        return verify(body, signInternal(body, env.GATEWAY_IDENTITY_SECRET), ADVISOR_LOOKUP_PATH);
      };
      expect(await signed(' HENRY@example.com ')).toEqual({ status: 200, body: { id: henry.user.id } });
      expect(await signed('nobody@example.com')).toEqual({ status: 404, body: {} });
      const body = JSON.stringify({ email: 'henry@example.com' });
      expect((await verify(body, null, ADVISOR_LOOKUP_PATH)).status).toBe(401);
      await pool.sql`update users set role = 'USER' where id = ${henry.user.id}`;
      expect(await signed('henry@example.com')).toEqual({ status: 404, body: {} });
      const wrongShape = JSON.stringify({ email: 42 });
      expect((await verify(wrongShape, signInternal(wrongShape, env.GATEWAY_IDENTITY_SECRET), ADVISOR_LOOKUP_PATH)).status).toBe(400);
    } finally {
      await pool.close();
    }
  });

  it('trusts a client IP only with a valid gateway signature', async () => {
    const ip = '192.0.2.44';
    const attempt = (headers: Record<string, string>) => gql(LOGIN, { email: 'henry@example.com', password: 'wrong-password-x' }, headers);
    await attempt({ [CLIENT_IP_HEADER]: ip, [CLIENT_IP_SIGNATURE_HEADER]: signClientIp(ip, env.GATEWAY_IDENTITY_SECRET) });
    await attempt({ [CLIENT_IP_HEADER]: '192.0.2.99', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('192.0.2.99', 'y'.repeat(40)) });
    const pool = createPool({ url: database.url, max: 1, applicationName: 'auth-http-test' });
    try {
      const rows = await pool.sql`select ip from login_attempts where email = 'henry@example.com' order by id`;
      expect(rows.map((row) => row.ip)).toEqual([ip, null]);
    } finally {
      await pool.close();
    }
  });

  it('logs out and marks the session revoked in Redis DB 2', async () => {
    const result = await gql<{ logout: boolean }>(LOGOUT, { refreshToken: henry.refreshToken });
    expect(result.data!.logout).toBe(true);
    const payload = JSON.parse(Buffer.from(henry.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string };
    expect(await sessions.get(sessionRevokedKey(namespace, payload.sid))).toBe('1');
  });
});
