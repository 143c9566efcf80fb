import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../src/login-throttle.ts';
import { createAuthHarness } from './harness.ts';
import { LOGIN, REGISTER } from './operations.ts';

let h: Awaited<ReturnType<typeof createAuthHarness>>;

beforeAll(async () => {
  h = await createAuthHarness({ limits: { maxFailuresPerEmail: 3, maxFailuresPerIp: 5, windowSeconds: 60 } });
  await h.execute(REGISTER, { input: { email: 'carol@example.com', password: 'carol-password-1' } });
  await h.execute(REGISTER, { input: { email: 'dave@example.com', password: 'dave-password-1' } });
});
afterAll(async () => {
  await h?.close();
});

const login = (email: string, password: string, ip: string | null = null) => h.execute(LOGIN, { email, password }, null, ip);

describe('login throttling', () => {
  it('records every attempt in login_attempts, failed and successful', async () => {
    await login('dave@example.com', 'wrong-password-x', '198.51.100.1');
    await login('dave@example.com', 'dave-password-1', '198.51.100.1');
    const rows = await h.sql`select email, ip, succeeded from login_attempts where email = 'dave@example.com' order by id`;
    expect(rows.map((row) => ({ ...row }))).toEqual([
      { email: 'dave@example.com', ip: '198.51.100.1', succeeded: false },
      { email: 'dave@example.com', ip: '198.51.100.1', succeeded: true },
    ]);
  });

  it('answers RATE_LIMITED with retryAfter once an email has too many failures, even with the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await login('carol@example.com', 'wrong-password-x')).codes).toEqual(['UNAUTHENTICATED']);
    const blocked = await login('carol@example.com', 'carol-password-1');
    expect(blocked.codes).toEqual(['RATE_LIMITED']);
    const retryAfter = blocked.errors![0]!.extensions!.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const keys = await h.redis.keys(`${h.namespace}:login-fail:email*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('limits per gateway-vouched IP across emails, and not when no IP is known', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 5; i++) await login(`nobody${i}@example.com`, 'wrong-password-x', ip);
    expect((await login('dave@example.com', 'dave-password-1', ip)).codes).toEqual(['RATE_LIMITED']);
    expect((await login('dave@example.com', 'dave-password-1', '203.0.113.8')).errors).toBeUndefined();
    expect((await login('dave@example.com', 'dave-password-1')).errors).toBeUndefined();
  });

  it('counts in memory when Redis is not configured', async () => {
    const throttle = createLoginThrottle({ redis: null, namespace: 'mem', limits: { maxFailuresPerEmail: 2, maxFailuresPerIp: 10, windowSeconds: 60 } });
    await throttle.recordFailure('e@example.com', null);
    await throttle.assertAllowed('e@example.com', null);
    await throttle.recordFailure('e@example.com', null);
    await expect(throttle.assertAllowed('e@example.com', null)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    await throttle.recordSuccess('e@example.com');
    await throttle.assertAllowed('e@example.com', null);
  });
});
