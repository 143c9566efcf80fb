import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEV_SECRETS } from '@nexanest/config';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.teardown();
});

const codeOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.code;

async function login(email: string, password: string) {
  const response = await stack.client.request(operation('Login'), { email, password });
  expect(response.errors).toBeUndefined();
  return response.data?.login as { accessToken: string; refreshToken: string };
}

describe('sessions through the gateway', () => {
  it('refuses the access token of a logged-out session at once', async () => {
    const user = await registerUser(stack, 'leaver');
    const session = await login(user.email, user.password);
    const client = stack.client.withToken(session.accessToken);
    expect((await client.request(operation('Me'))).data?.me.email).toBe(user.email);
    expect((await stack.client.request(operation('Logout'), { refreshToken: session.refreshToken })).data?.logout).toBe(true);
    const after = await client.request(operation('Me'));
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
  });

  it('refuses new operations on an open WebSocket once its session is logged out', async () => {
    const user = await registerUser(stack, 'socket');
    const session = await login(user.email, user.password);
    // lazy: false keeps the socket open between operations (a lazy client would reconnect, and be refused at connect).
    const ws = createClient({
      url: stack.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${session.accessToken}` },
    });
    try {
      const before = await ws.iterate({ query: operation('Me') }).next();
      expect((before.value as { data: { me: { email: string } } }).data.me.email).toBe(user.email);
      await stack.client.request(operation('Logout'), { refreshToken: session.refreshToken });
      const after = await ws.iterate({ query: operation('Me') }).next();
      expect((after.value as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      await ws.dispose();
    }
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const user = await registerUser(stack, 'refresher');
    const first = await login(user.email, user.password);
    const rotated = await stack.client.request(operation('RefreshSession'), { refreshToken: first.refreshToken });
    expect(rotated.errors).toBeUndefined();
    const second = rotated.data?.refreshSession as { accessToken: string; refreshToken: string };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const reuse = await stack.client.request(operation('RefreshSession'), { refreshToken: first.refreshToken });
    expect(codeOf(reuse)).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.client.request(operation('RefreshSession'), { refreshToken: second.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.client.withToken(second.accessToken).request(operation('Me')))).toBe('UNAUTHENTICATED');
  });

  it('answers RATE_LIMITED with a retry-after once an email has failed too often', async () => {
    const user = await registerUser(stack, 'guessed');
    let last: Awaited<ReturnType<typeof stack.client.request>> | undefined;
    for (let attempt = 0; attempt < 6; attempt++)
      last = await stack.client.request(operation('Login'), { email: user.email, password: `wrong password ${attempt}` });
    expect(codeOf(last!)).toBe('RATE_LIMITED');
    expect(last!.errors?.[0]?.extensions?.retryAfter).toEqual(expect.any(Number));
  });
});

describe('tokens an attacker might send', () => {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = (userId: string) => ({ sub: userId, role: 'ADMIN', sid: '00000000-0000-0000-0000-000000000000', iss: 'nexanest-auth', aud: 'nexanest-api' });
  const sign = (payload: object, secret: string, expiresIn: string | number) =>
    new SignJWT(payload as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(secret));

  it('refuses tampered, expired, unsigned (alg none) and wrong-key tokens with 401', async () => {
    const user = await registerUser(stack, 'target');
    const [header, payload, signature] = user.token.split('.') as [string, string, string];
    const escalated = encode({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'SUPERUSER' });
    const forged = [
      `${header}.${escalated}.${signature}`,
      await sign(claims(user.userId), DEV_SECRETS.JWT_SECRET, Math.floor(Date.now() / 1000) - 60),
      `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims(user.userId), exp: Math.floor(Date.now() / 1000) + 600 })}.`,
      await sign(claims(user.userId), 'an-attacker-secret-that-is-long-enough-0123', '10m'),
    ];
    for (const token of forged) {
      const response = await stack.client.withToken(token).request(operation('Me'));
      expect(response.status, token).toBe(401);
      expect(codeOf(response)).toBe('UNAUTHENTICATED');
    }
  });
});

describe('API keys through the gateway', () => {
  it('lets a portfolio:read key read, and refuses it writes, market ingest and key management', async () => {
    const user = await registerUser(stack, 'keyholder');
    await user.client.request(operation('CreatePortfolio'), { input: { name: 'Keyed', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    const created = await user.client.request(operation('CreateApiKey'), { input: { name: 'reader', scopes: ['portfolio:read'] } });
    expect(created.errors).toBeUndefined();
    const secret = created.data?.createApiKey.secret as string;
    const key = { 'x-api-key': secret };

    const dashboard = await stack.client.request(operation('Dashboard'), {}, key);
    expect(dashboard.errors).toBeUndefined();
    expect(dashboard.data?.me.portfolios.map((p: { name: string }) => p.name)).toEqual(['Keyed']);
    const write = await stack.client.request(operation('CreatePortfolio'), { input: { name: 'Nope', portfolioType: 'TAXABLE', baseCurrency: 'USD' } }, key);
    expect(codeOf(write)).toBe('FORBIDDEN');
    const ingest = await stack.client.request(operation('IngestPrices'), { ticks: [{ symbol: 'AAPL', price: '1', time: new Date().toISOString() }] }, key);
    expect(codeOf(ingest)).toBe('FORBIDDEN');
    const another = await stack.client.request(operation('CreateApiKey'), { input: { name: 'more', scopes: ['portfolio:write'] } }, key);
    expect(codeOf(another)).toBe('FORBIDDEN');
    const unknown = await stack.client.request(operation('Me'), {}, { 'x-api-key': `${secret.slice(0, -4)}AAAA` });
    expect(unknown.status).toBe(401);
  });

  it('names the field of a bad profile change', async () => {
    const user = await registerUser(stack, 'profile');
    const response = await user.client.request(operation('UpdateProfile'), { input: { timezone: 'Mars/Olympus_Mons' } });
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('timezone');
  });
});
