import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER, createLogger, IDENTITY_HEADER, signClientIp, signIdentity, type ServiceHandle } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { authEnvSchema } from '../src/env.ts';
import { startAuthService } from '../src/start.ts';

let database: TestDatabase;
const logger = createLogger('auth-start-test', 'silent');

beforeAll(async () => {
  database = await createTestDatabase('auth');
});
afterAll(async () => {
  await database?.drop();
});

async function post(service: ServiceHandle, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions: { code: string } }[] };
}

describe('startAuthService', () => {
  it('serves over HTTP, trusts the gateway identity header, and restarts idempotently with the bootstrap admin', async () => {
    const env = loadEnv(authEnvSchema, { NODE_ENV: 'test', AUTH_DATABASE_URL: database.url });
    for (let round = 0; round < 2; round++) {
      const service = await startAuthService({ env, logger, port: 0 });
      try {
        const login = await post(service, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id role } } }', {
          e: 'admin@nexanest.local',
          p: 'admin_dev_password',
        });
        expect(login.errors).toBeUndefined();
        const admin = login.data!.login.user as { id: string; role: 'ADMIN' };
        expect(admin.role).toBe('ADMIN');
        const me = await post(
          service,
          '{ me { id email } }',
          {},
          { [IDENTITY_HEADER]: await signIdentity({ userId: admin.id, role: 'ADMIN' }, env.GATEWAY_IDENTITY_SECRET) },
        );
        expect(me.data!.me).toEqual({ id: admin.id, email: 'admin@nexanest.local' });
        const forged = await post(service, '{ me { id } }', {}, { [IDENTITY_HEADER]: await signIdentity({ userId: admin.id, role: 'ADMIN' }, 'x'.repeat(40)) });
        expect(forged.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
      } finally {
        await service.close();
      }
    }
  });

  it('counts failed logins per client IP only when the gateway signed the IP, over HTTP', async () => {
    const env = loadEnv(authEnvSchema, {
      NODE_ENV: 'test',
      AUTH_DATABASE_URL: database.url,
      AUTH_LOGIN_MAX_FAILURES_PER_IP: '2',
      AUTH_LOGIN_MAX_FAILURES_PER_EMAIL: '50',
    });
    const service = await startAuthService({ env, logger, port: 0 });
    const login = (email: string, headers: Record<string, string>) =>
      post(service, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }', { e: email, p: 'wrong password' }, headers);
    const signed = (ip: string) => ({ [CLIENT_IP_HEADER]: ip, [CLIENT_IP_SIGNATURE_HEADER]: signClientIp(ip, env.GATEWAY_IDENTITY_SECRET) });
    const codes = (answer: Awaited<ReturnType<typeof login>>) => answer.errors?.map((e) => e.extensions.code);
    try {
      expect(codes(await login('ip-a1@example.com', signed('203.0.113.9')))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await login('ip-a2@example.com', signed('203.0.113.9')))).toEqual(['UNAUTHENTICATED']);
      // The third failure from that address, whatever the email, is refused before the password is checked.
      expect(codes(await login('ip-a3@example.com', signed('203.0.113.9')))).toEqual(['RATE_LIMITED']);
      // Another address is counted apart; one the caller signs with a guessed secret counts as no address.
      expect(codes(await login('ip-b1@example.com', signed('198.51.100.4')))).toEqual(['UNAUTHENTICATED']);
      const forged = { [CLIENT_IP_HEADER]: '203.0.113.9', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('203.0.113.9', 'x'.repeat(40)) };
      expect(codes(await login('ip-a4@example.com', forged))).toEqual(['UNAUTHENTICATED']);
    } finally {
      await service.close();
    }
  });
});
