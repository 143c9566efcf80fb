import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let redis: Redis;
beforeAll(async () => {
  stack = await startTestStack();
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.teardown();
});

const codeOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.code;

/**
 * The token auth put in an email event for `email`, read from the events stream the way the
 * notifications service will (the relay publishes within AUTH_OUTBOX_RELAY_INTERVAL_MS).
 */
async function tokenFromStream(topic: string, email: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const entries = await redis.xrange(`${stack.namespace}:events`, '-', '+');
    for (const [, fields] of entries.reverse()) {
      const event = Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])));
      const payload = event.payload ? (JSON.parse(event.payload) as { email?: string; token?: string }) : {};
      if (event.topic === topic && payload.email === email && payload.token) return payload.token;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${topic} event for ${email}`);
}

describe('account operations through the gateway', () => {
  it('verifies an email with the token from the verification email, once', async () => {
    const user = await registerUser(stack, 'verify');
    const token = await tokenFromStream('email_verification.requested', user.email);
    expect((await stack.client.request(operation('VerifyEmail'), { token })).data?.verifyEmail).toBe(true);
    expect((await user.client.request(operation('Me'))).data?.me.emailVerified).toBe(true);
    expect(codeOf(await stack.client.request(operation('VerifyEmail'), { token }))).toBe('BAD_USER_INPUT');
  });

  it('puts the verification email in the outbox, which only an admin may read', async () => {
    const user = await registerUser(stack, 'outboxed');
    const admin = await adminClient(stack);
    let emails: Array<{ to: string; subject: string; body: string }> = [];
    for (let attempt = 0; attempt < 50 && emails.length === 0; attempt++) {
      const response = await admin.request(operation('OutboundEmails'), { to: user.email });
      expect(response.errors).toBeUndefined();
      emails = response.data?.outboundEmails ?? [];
      if (emails.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(emails).toEqual([
      expect.objectContaining({ to: user.email.toLowerCase(), subject: 'Confirm your NexaNest email', body: expect.stringContaining('verify-email?token=') }),
    ]);
    expect(codeOf(await user.client.request(operation('OutboundEmails'), { to: user.email }))).toBe('FORBIDDEN');
  });

  it('resets a password with the emailed token and ends the old sessions', async () => {
    const user = await registerUser(stack, 'forgetful');
    expect((await stack.client.request(operation('RequestPasswordReset'), { email: user.email })).data?.requestPasswordReset).toBe(true);
    expect((await stack.client.request(operation('RequestPasswordReset'), { email: 'nobody@example.com' })).data?.requestPasswordReset).toBe(true);
    const token = await tokenFromStream('password_reset.requested', user.email);
    const reset = await stack.client.request(operation('ResetPassword'), { token, newPassword: 'a brand new passphrase' });
    expect(reset.data?.resetPassword).toBe(true);
    expect(codeOf(await user.client.request(operation('Me')))).toBe('UNAUTHENTICATED');
    expect((await stack.client.request(operation('Login'), { email: user.email, password: 'a brand new passphrase' })).errors).toBeUndefined();
  });

  it('revokes an API key so that it no longer lists', async () => {
    const user = await registerUser(stack, 'revoker');
    const created = await user.client.request(operation('CreateApiKey'), { input: { name: 'temp', scopes: ['market:write'] } });
    const id = created.data?.createApiKey.apiKey.id as string;
    expect((await user.client.request(operation('RevokeApiKey'), { id })).data?.revokeApiKey).toBe(true);
    expect((await user.client.request(operation('Me'))).data?.me.apiKeys).toEqual([]);
    const intruder = await registerUser(stack, 'intruder');
    expect(codeOf(await intruder.client.request(operation('RevokeApiKey'), { id }))).toBe('NOT_FOUND');
  });

  it('lets the admin page through users and grant ADVISOR, and refuses both to a user', async () => {
    const admin = await adminClient(stack);
    const user = await registerUser(stack, 'promoted');
    const page = await admin.request(operation('AdminUsers'), { first: 2 });
    expect(page.errors).toBeUndefined();
    expect(page.data?.users.edges).toHaveLength(2);
    expect(page.data?.users.pageInfo.hasNextPage).toBe(true);
    const next = await admin.request(operation('AdminUsers'), { first: 100, after: page.data?.users.pageInfo.endCursor });
    expect(next.data?.users.edges.map((e: { node: { email: string } }) => e.node.email)).toContain(user.email);

    const promoted = await admin.request(operation('SetUserRole'), { userId: user.userId, role: 'ADVISOR' });
    expect(promoted.data?.setUserRole).toEqual({ id: user.userId, role: 'ADVISOR' });
    expect(codeOf(await admin.request(operation('SetUserRole'), { userId: user.userId, role: 'SUPERUSER' }))).toBe('FORBIDDEN');
    expect(codeOf(await user.client.request(operation('AdminUsers'), { first: 5 }))).toBe('UNAUTHENTICATED'); // the role change ended the session
    const plain = await registerUser(stack, 'plain');
    expect(codeOf(await plain.client.request(operation('AdminUsers'), { first: 5 }))).toBe('FORBIDDEN');
    expect(codeOf(await plain.client.request(operation('SetUserRole'), { userId: plain.userId, role: 'ADMIN' }))).toBe('FORBIDDEN');
  });
});
