import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createOutboxRelay, eventsStreamKey, type OutboxRelay, type Redis } from '@nexanest/bus';
import { createLogger } from '@nexanest/graphql';
import { testRedisUrl } from '@nexanest/testing';
import { createAuthHarness } from './harness.ts';
import { LOGIN, REFRESH, REGISTER, REQUEST_RESET, RESET, VERIFY_EMAIL, type Tokens } from './operations.ts';

let h: Awaited<ReturnType<typeof createAuthHarness>>;
let events: Redis;
let relay: OutboxRelay;
let erin: Tokens;

beforeAll(async () => {
  h = await createAuthHarness();
  events = connectRedis(testRedisUrl(), 0);
  relay = createOutboxRelay({ sql: h.sql, redis: events, stream: eventsStreamKey(h.namespace), intervalMs: 20, logger: createLogger('relay-test', 'silent') });
  erin = (await h.execute<{ register: Tokens }>(REGISTER, { input: { email: 'erin@example.com', password: 'erin-password-1' } })).data!.register;
});
afterAll(async () => {
  await relay?.stop();
  await events?.del(eventsStreamKey(h.namespace));
  events?.disconnect();
  await h?.close();
});

/** Publishes pending outbox rows and returns the stream's events of one topic. */
async function published(topic: string) {
  await relay.publishPending();
  const entries = await events.xrange(eventsStreamKey(h.namespace), '-', '+');
  return entries
    .map(([, fields]) => {
      const event: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) event[fields[i]!] = fields[i + 1]!;
      return event;
    })
    .filter((event) => event.topic === topic)
    .map((event) => ({ id: event.id, payload: JSON.parse(event.payload!) as { userId: string; email: string; token: string; expiresAt: string } }));
}

describe('email verification', () => {
  it('registration queues a verification email in the outbox; the token verifies once', async () => {
    const [row] = await h.sql`select topic, published_at from outbox_events where payload->>'userId' = ${erin.user.id}`;
    expect(row!.topic).toBe('email_verification.requested');
    const [event] = await published('email_verification.requested');
    expect(event!.payload).toMatchObject({ userId: erin.user.id, email: 'erin@example.com' });
    expect((await h.sql`select token_hash from email_verification_tokens`).map((r) => r.token_hash)).not.toContain(event!.payload.token);
    expect((await h.execute(VERIFY_EMAIL, { token: event!.payload.token })).errors).toBeUndefined();
    expect((await h.sql`select email_verified from users where id = ${erin.user.id}`)[0]!.email_verified).toBe(true);
    expect((await h.execute(VERIFY_EMAIL, { token: event!.payload.token })).codes).toEqual(['BAD_USER_INPUT']);
  });
});

describe('password reset', () => {
  it('answers true for an unknown email and queues nothing', async () => {
    const before = (await h.sql`select count(*)::int as n from outbox_events`)[0]!.n;
    expect((await h.execute<{ requestPasswordReset: boolean }>(REQUEST_RESET, { email: 'ghost@example.com' })).data!.requestPasswordReset).toBe(true);
    expect((await h.sql`select count(*)::int as n from outbox_events`)[0]!.n).toBe(before);
  });

  it('goes outbox -> relay -> Redis stream; the token resets once and ends every session', async () => {
    expect((await h.execute<{ requestPasswordReset: boolean }>(REQUEST_RESET, { email: 'Erin@Example.com' })).data!.requestPasswordReset).toBe(true);
    const pending = await h.sql`select id from outbox_events where topic = 'password_reset.requested' and published_at is null`;
    expect(pending).toHaveLength(1);
    relay.start();
    await expect
      .poll(async () => (await h.sql`select published_at from outbox_events where id = ${pending[0]!.id}`)[0]!.published_at, { timeout: 5000 })
      .not.toBeNull();
    await relay.stop();
    const [event] = await published('password_reset.requested');
    expect(event!.id).toBe(pending[0]!.id);
    const expiresIn = Date.parse(event!.payload.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(59 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);

    expect((await h.execute(RESET, { token: event!.payload.token, newPassword: 'short' })).codes).toEqual(['BAD_USER_INPUT']);
    expect((await h.execute(RESET, { token: event!.payload.token, newPassword: 'erin-new-password-2' })).errors).toBeUndefined();
    expect((await h.execute(RESET, { token: event!.payload.token, newPassword: 'erin-new-password-3' })).codes).toEqual(['BAD_USER_INPUT']);
    expect((await h.execute(REFRESH, { refreshToken: erin.refreshToken })).codes).toEqual(['UNAUTHENTICATED']);
    expect((await h.execute(LOGIN, { email: 'erin@example.com', password: 'erin-password-1' })).codes).toEqual(['UNAUTHENTICATED']);
    expect((await h.execute(LOGIN, { email: 'erin@example.com', password: 'erin-new-password-2' })).errors).toBeUndefined();
  });

  it('refuses an expired reset token', async () => {
    await h.execute(REQUEST_RESET, { email: 'erin@example.com' });
    const [event] = (await published('password_reset.requested')).slice(-1);
    await h.sql`update password_reset_tokens set expires_at = now() - interval '1 second' where used_at is null`;
    expect((await h.execute(RESET, { token: event!.payload.token, newPassword: 'erin-new-password-4' })).codes).toEqual(['BAD_USER_INPUT']);
  });
});
