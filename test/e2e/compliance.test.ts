import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import type { GatewayClient } from '@nexanest/infrastructure';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

type User = Awaited<ReturnType<typeof registerUser>>;
interface PersonalData {
  generatedAt: string;
  account: { user: { id: string; email: string }; sessions: unknown[]; apiKeys: { prefix: string }[] };
  portfolios: { portfolios: { id: string; name: string; transactions: { id: string; amount: string }[] }[]; watchlists: { name: string }[] };
  analytics: { portfolioSnapshots: unknown[] };
  notifications: { preferences: { priceAlerts: boolean } | null; priceAlerts: { symbol: string }[]; emails: { to: string; kind: string }[] };
}

let stack: TestStack;
let admin: GatewayClient;
let ann: User;
let bob: User;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await adminClient(stack);
  [ann, bob] = [await registerUser(stack, 'ann'), await registerUser(stack, 'bob')];
  for (const user of [ann, bob]) await seedPersonalData(user);
});
afterAll(async () => {
  await stack?.teardown();
});

/** Gives a user something in every service: a portfolio with a deposit, a watchlist, an alert, preferences and an API key. */
async function seedPersonalData(user: User) {
  const ok = async (query: string, variables: Record<string, unknown>) => {
    const response = await user.client.request(query, variables);
    expect(response.errors).toBeUndefined();
    return response.data as Record<string, { id: string }>;
  };
  const created = await ok(operation('CreatePortfolio'), {
    input: { name: `${user.email} savings`, portfolioType: 'SAVINGS', baseCurrency: 'USD' },
  });
  const portfolioId = created.createPortfolio!.id;
  await ok(operation('RecordTransaction'), {
    input: { portfolioId, type: 'DEPOSIT', amount: '1000.00', currency: 'USD', executedAt: new Date(Date.now() - 60_000).toISOString() },
  });
  await ok(operation('CreateWatchlist'), { name: `${user.email} tech` });
  await ok(operation('CreatePriceAlert'), { input: { symbol: 'AAPL', condition: 'ABOVE', threshold: '100000' } });
  await ok(operation('UpdateNotificationPreferences'), { input: { priceAlerts: false } });
  await ok(operation('CreateApiKey'), { input: { name: 'export test', scopes: ['portfolio:read'] } });
}

const exportOf = async (user: User) => {
  const response = await user.client.request<{ me: { personalData: PersonalData } }>(operation('ExportMyData'));
  expect(response.errors).toBeUndefined();
  return response.data!.me.personalData;
};

describe('ExportMyData', () => {
  it("returns the user's data from every service, and nobody else's", async () => {
    const data = await exportOf(ann);
    expect(Date.parse(data.generatedAt)).not.toBeNaN();
    expect(data.account.user).toMatchObject({ id: ann.userId, email: ann.email });
    expect(data.account.sessions.length).toBeGreaterThan(0);
    expect(data.account.apiKeys.length).toBeGreaterThan(0);
    expect(data.portfolios.portfolios.map((p) => p.name)).toEqual([`${ann.email} savings`]);
    expect(data.portfolios.portfolios[0]!.transactions.map((t) => new Decimal(t.amount).toFixed(2))).toEqual(['1000.00']);
    expect(data.portfolios.watchlists.map((w) => w.name)).toEqual([`${ann.email} tech`]);
    expect(data.notifications.priceAlerts.map((a) => a.symbol)).toEqual(['AAPL']);
    expect(data.notifications.preferences?.priceAlerts).toBe(false);
    expect(data.analytics).toHaveProperty('portfolioSnapshots');
    // Another user's id or address appears nowhere in the export.
    const text = JSON.stringify(data);
    expect(text).not.toContain(bob.userId);
    expect(text).not.toContain(bob.email);
  });

  it('answers UNAUTHENTICATED without a token and FORBIDDEN for an API key', async () => {
    const anonymous = await stack.client.request(operation('ExportMyData'));
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const key = await ann.client.request<{ createApiKey: { secret: string } }>(operation('CreateApiKey'), {
      input: { name: 'reader', scopes: ['portfolio:read'] },
    });
    const withKey = await stack.client.request(operation('ExportMyData'), {}, { 'x-api-key': key.data!.createApiKey.secret });
    expect(withKey.data?.me?.personalData ?? null).toBeNull();
    expect(withKey.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });
});

describe('AuditEvents', () => {
  it('answers FORBIDDEN to a user (even asking about themself) and UNAUTHENTICATED to anonymous callers', async () => {
    for (const client of [ann.client, stack.client]) {
      const response = await client.request(operation('AuditEvents'), { first: 10 });
      expect(response.data?.auditEvents ?? null).toBeNull();
      expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(response.errors?.[0]?.extensions?.code);
    }
    const asUser = await ann.client.request(operation('AuditEvents'), { first: 10, userId: ann.userId });
    expect(asUser.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('DeleteMyAccount', () => {
  it('refuses a wrong password with BAD_USER_INPUT and erases nothing', async () => {
    const response = await ann.client.request(operation('DeleteMyAccount'), { password: 'not the password at all' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const data = await exportOf(ann);
    expect(data.account.user.id).toBe(ann.userId);
    expect(data.portfolios.portfolios).toHaveLength(1);
  });
});
