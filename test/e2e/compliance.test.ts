import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import type { GatewayClient } from '@nexanest/infrastructure';
import { testRedisUrl } from '@nexanest/testing';
import { countScannedColumns, scanDatabase, scanRedis, streamDrained } from '../support/erasure-scan.ts';
import { operation } from '../support/operations.ts';
import { adminClient, registerAdvisor, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

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
let advisor: User;
let annPortfolioId: string;

beforeAll(async () => {
  // Stream entries go as soon as every consumer group has acknowledged them (no retention), so
  // the erasure scan covers the events stream too.
  stack = await startTestStack({ env: { EVENTS_RETENTION_HOURS: '0', EVENTS_TRIM_INTERVAL_MS: '200' } });
  admin = await adminClient(stack);
  [ann, bob] = [await registerUser(stack, 'ann'), await registerUser(stack, 'bob')];
  advisor = await registerAdvisor(stack, admin, 'adv');
  annPortfolioId = await seedPersonalData(ann);
  await seedPersonalData(bob);
  // ann lets the advisor read her portfolio: the grant names both of them.
  const granted = await ann.client.request(operation('GrantPortfolioAccess'), { portfolioId: annPortfolioId, advisorEmail: advisor.email });
  expect(granted.errors).toBeUndefined();
  // A failed sign-in on bob's address.
  await stack.client.request(operation('Login'), { email: bob.email, password: 'not bob at all 123' });
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
  return portfolioId;
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

interface AuditPage {
  auditEvents: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      node: { time: string; kind: string; actorId: string | null; subjectType: string | null; subjectId: string | null; data: Record<string, unknown> };
    }[];
  };
}

/** Every audit entry the admin sees for `userId` (or all), following the cursor two at a time. */
async function auditTrail(userId?: string) {
  const nodes: AuditPage['auditEvents']['edges'][number]['node'][] = [];
  let after: string | null = null;
  for (;;) {
    const response = await admin.request<AuditPage>(operation('AuditEvents'), { first: 2, after, ...(userId ? { userId } : {}) });
    expect(response.errors).toBeUndefined();
    const page: AuditPage['auditEvents'] = response.data!.auditEvents;
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** Polls `read` until `done` holds (events cross services asynchronously); returns the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 200 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('AuditEvents for an admin', () => {
  it('lists the events about a user, newest first, page by page: sign-ins, transactions, exports', async () => {
    await exportOf(bob);
    const trail = await eventually(
      () => auditTrail(bob.userId),
      (nodes) => ['data.exported', 'transaction.recorded', 'user.registered'].every((kind) => nodes.some((node) => node.kind === kind)),
    );
    const deposit = trail.find((node) => node.kind === 'transaction.recorded');
    expect(deposit).toMatchObject({ actorId: bob.userId, subjectType: 'transaction', data: { type: 'DEPOSIT', currency: 'USD' } });
    expect(new Decimal(String(deposit?.data.amount)).equals('1000')).toBe(true);
    const exports = trail.filter((node) => node.kind === 'data.exported');
    expect(exports.length).toBeGreaterThanOrEqual(1);
    expect(exports.every((node) => node.actorId === bob.userId && node.subjectType === 'user' && node.subjectId === bob.userId)).toBe(true);
    const times = trail.map((node) => Date.parse(node.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Nothing of ann's is in bob's trail.
    expect(JSON.stringify(trail)).not.toContain(ann.userId);
  });

  it('records failed sign-ins under the address tried, role changes under the operator, and access grants', async () => {
    const failed = await eventually(
      async () => (await auditTrail(bob.email)).filter((node) => node.kind === 'login.failed'),
      (nodes) => nodes.length > 0,
    );
    expect(failed[0]).toMatchObject({ actorId: null, subjectType: 'email', subjectId: bob.email });
    const advisorTrail = await eventually(
      () => auditTrail(advisor.userId),
      (nodes) => ['role.changed', 'portfolio_access.granted'].every((kind) => nodes.some((node) => node.kind === kind)),
    );
    const roleChange = advisorTrail.find((node) => node.kind === 'role.changed');
    expect(roleChange).toMatchObject({ subjectId: advisor.userId, data: { role: 'ADVISOR' } });
    expect(roleChange?.actorId).not.toBe(advisor.userId);
    expect(advisorTrail.find((node) => node.kind === 'portfolio_access.granted')).toMatchObject({
      actorId: ann.userId,
      subjectId: advisor.userId,
      data: { portfolioId: annPortfolioId },
    });
  });

  it('refuses a cursor it did not issue with BAD_USER_INPUT', async () => {
    const response = await admin.request(operation('AuditEvents'), { first: 5, after: 'bm90LWEtY3Vyc29y' });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('DeleteMyAccount', () => {
  it('answers UNAUTHENTICATED to anonymous callers', async () => {
    const response = await stack.client.request(operation('DeleteMyAccount'), { password: ann.password });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password with BAD_USER_INPUT and erases nothing', async () => {
    const response = await ann.client.request(operation('DeleteMyAccount'), { password: 'not the password at all' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const data = await exportOf(ann);
    expect(data.account.user.id).toBe(ann.userId);
    expect(data.portfolios.portfolios).toHaveLength(1);
  });

  it('erases the account everywhere; only a pseudonymous audit record remains', { timeout: 120_000 }, async () => {
    // Reading her portfolios puts copies in portfolio's Redis cache: the erasure must take those too.
    expect((await ann.client.request('{ me { portfolios { id name } } }')).errors).toBeUndefined();
    const cached = await scanRedis(testRedisUrl(), stack.namespace, [0], [ann.userId], [`${stack.namespace}:events`, `${stack.namespace}:events:dead`]);
    expect(cached.length).toBeGreaterThan(0);

    const deleted = await ann.client.request(operation('DeleteMyAccount'), { password: ann.password });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteMyAccount).toBe(true);

    // The session ends at once.
    const me = await ann.client.request(operation('Me'));
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Once every consumer group has handled everything on the stream (user.deleted included) and
    // notifications has trimmed what they all acknowledged, every table of every database, and
    // the namespace's Redis keys (the events stream included), hold neither the id nor the
    // address; the audit trail neither.
    const deletions = await eventually(
      async () => (await auditTrail()).filter((node) => node.kind === 'user.deleted'),
      (nodes) => nodes.length === 1,
    );
    expect(await eventually(() => streamDrained(testRedisUrl(), `${stack.namespace}:events`), Boolean)).toBe(true);
    const needles = [ann.userId, ann.email];
    expect(
      await eventually(
        () => scanRedis(testRedisUrl(), stack.namespace, [0], needles),
        (found) => found.length === 0,
      ),
    ).toEqual([]);
    const databases = Object.values(stack.databases);
    expect(databases).toHaveLength(5);
    for (const url of databases) expect((await countScannedColumns(url)).columns).toBeGreaterThan(0);
    const findings = (await Promise.all(databases.map((url) => scanDatabase(url, needles)))).flat();
    findings.push(...(await scanRedis(testRedisUrl(), stack.namespace, [0, 1, 2, 3], needles)));
    expect(findings).toEqual([]);
    // The same scan does find a user who still exists, in every service's database.
    for (const url of [stack.databases.auth, stack.databases.portfolio, stack.databases.notifications, stack.databases.timescale]) {
      expect((await scanDatabase(url, [bob.userId])).length).toBeGreaterThan(0);
    }

    // The audit trail keeps the deletion and the earlier events under a pseudonym.
    const pseudonym = deletions[0]!.actorId!;
    expect(pseudonym).toMatch(/^anon_[0-9a-f]{32}$/);
    const trail = await auditTrail(pseudonym);
    expect(trail.map((node) => node.kind)).toEqual(
      expect.arrayContaining(['user.deleted', 'data.exported', 'user.registered', 'transaction.recorded', 'portfolio_access.granted']),
    );
    expect(await auditTrail(ann.userId)).toEqual([]);
    expect(await auditTrail(ann.email)).toEqual([]);
    // The advisor keeps their id in the grant's record; only ann became a pseudonym.
    expect(trail.find((node) => node.kind === 'portfolio_access.granted')).toMatchObject({ actorId: pseudonym, subjectId: advisor.userId });

    // The password no longer signs in. (Checked last: a sign-in attempt with the address is
    // recorded like one for any unknown address, after the erasure.)
    const login = await stack.client.request(operation('Login'), { email: ann.email, password: ann.password });
    expect(login.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Bob's data is untouched.
    const bobs = await exportOf(bob);
    expect(bobs.portfolios.portfolios).toHaveLength(1);
    expect(bobs.account.user.email).toBe(bob.email);
  });
});
