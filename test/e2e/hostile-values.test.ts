import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createPool } from '@nexanest/db';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * SQL injection through every string input of the contract's mutations, end to end: each value
 * is stored exactly as sent or refused with a coded error, every table is still there, and the
 * other user's data is exactly as before.
 */
const PAYLOADS = [
  "'; DROP TABLE transactions; --",
  "1'; UPDATE portfolios SET name = 'pwned'; --",
  "z' UNION SELECT password_hash FROM users --",
  "\\'; TRUNCATE holdings CASCADE; --",
];

let stack: TestStack;
let victim: Awaited<ReturnType<typeof registerUser>>;
let victimPortfolio: string;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  stack = await startTestStack();
  victim = await registerUser(stack, 'victim');
  const created = await victim.client.request(operation('CreatePortfolio'), { input: { name: 'Untouched', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
  victimPortfolio = created.data?.createPortfolio.id;
  for (const input of [
    { type: 'DEPOSIT', amount: '1000', currency: 'USD', executedAt: minutesAgo(10), notes: 'first' },
    { type: 'BUY', symbol: 'AAPL', quantity: '2', price: '150.25', currency: 'USD', executedAt: minutesAgo(5) },
  ]) {
    const answer = await victim.client.request(operation('RecordTransaction'), { input: { portfolioId: victimPortfolio, ...input } });
    expect(answer.errors).toBeUndefined();
  }
});
afterAll(async () => {
  await stack?.teardown();
});

const VICTIM_VIEW = `query($id: ID!) {
  me { id email profile { displayName baseCurrency timezone } apiKeys { id name } }
  portfolio(id: $id) {
    id name description baseCurrency isActive
    cashBalances { amount currency }
    holdings { symbol quantity costBasis { amount currency } }
  }
}`;

/** What the victim sees through the gateway, plus their ledger rows as stored. */
const victimView = async () => {
  const answer = await victim.client.request(VICTIM_VIEW, { id: victimPortfolio });
  expect(answer.errors).toBeUndefined();
  const ledger = await portfolioDb((sql) => sql`select t::text as row from transactions t where portfolio_id = ${victimPortfolio} order by executed_at, id`);
  return { ...answer.data, ledger };
};

async function portfolioDb<T>(query: (sql: ReturnType<typeof createPool>['sql']) => Promise<T>): Promise<T> {
  const pool = createPool({ url: stack.databases.portfolio, max: 1, applicationName: 'injection-test' });
  try {
    return await query(pool.sql);
  } finally {
    await pool.close();
  }
}

/**
 * Table names per database, from the catalogue: plain and partitioned tables, not their
 * partitions, which are created on demand as time goes on (a month's audit partition may appear
 * while the test runs).
 */
async function tables() {
  const result: Record<string, string[]> = {};
  for (const [name, url] of Object.entries(stack.databases)) {
    const pool = createPool({ url, max: 1, applicationName: 'injection-test' });
    try {
      const rows = await pool.sql`select n.nspname || '.' || c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and not c.relispartition and n.nspname not in ('pg_catalog', 'information_schema') order by 1`;
      result[name] = rows.map((row) => row.t as string);
    } finally {
      await pool.close();
    }
  }
  return result;
}

const codeOf = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => answer.errors?.[0]?.extensions?.code;

describe.each(PAYLOADS)('the string %j in every mutation input', (payload) => {
  let tablesBefore: Awaited<ReturnType<typeof tables>>;
  let victimBefore: unknown;
  let attacker: Awaited<ReturnType<typeof registerUser>>;
  let portfolioId: string;

  beforeAll(async () => {
    tablesBefore = await tables();
    victimBefore = await victimView();
    attacker = await registerUser(stack, 'attacker');
  });

  it('is stored verbatim in names, descriptions, display names, notes and keys', async () => {
    const portfolio = await attacker.client.request(operation('CreatePortfolio'), {
      input: { name: payload, description: payload, portfolioType: 'TAXABLE', baseCurrency: 'USD' },
    });
    expect(portfolio.errors).toBeUndefined();
    expect(portfolio.data?.createPortfolio).toMatchObject({ name: payload, description: payload });
    portfolioId = portfolio.data?.createPortfolio.id;

    const profile = await attacker.client.request(operation('UpdateProfile'), { input: { displayName: payload } });
    expect(profile.data?.updateProfile.profile.displayName).toBe(payload);

    const key = await attacker.client.request(operation('CreateApiKey'), { input: { name: payload, scopes: ['portfolio:read'] } });
    expect(key.data?.createApiKey.apiKey.name).toBe(payload);

    const deposit = { portfolioId, type: 'DEPOSIT', amount: '10', currency: 'USD', executedAt: minutesAgo(1), notes: payload, idempotencyKey: payload };
    const first = await attacker.client.request(operation('RecordTransaction'), { input: deposit });
    expect(first.errors).toBeUndefined();
    // The key matched itself, verbatim: the retry is the same entry.
    const retry = await attacker.client.request(operation('RecordTransaction'), { input: deposit });
    expect(retry.data?.recordTransaction.id).toBe(first.data?.recordTransaction.id);
    const read = await attacker.client.request(
      'query($id: ID!) { portfolio(id: $id) { name description transactions(first: 5) { totalCount edges { node { notes } } } } }',
      { id: portfolioId },
    );
    expect(read.data?.portfolio).toEqual({ name: payload, description: payload, transactions: { totalCount: 1, edges: [{ node: { notes: payload } }] } });
    // The idempotency key is never read back through the API: it is checked where it is stored.
    const stored = await portfolioDb((sql) => sql`select notes, idempotency_key from transactions where portfolio_id = ${portfolioId}`);
    expect(stored).toEqual([{ notes: payload, idempotency_key: payload }]);

    const registered = await stack.client.request(operation('Register'), {
      input: { email: `o'brien.${Date.now()}@example.com`, password: `${payload}-long-enough`, displayName: payload },
    });
    expect(registered.data?.register.user.profile.displayName).toBe(payload);
    const login = await stack.client.request(operation('Login'), { email: registered.data?.register.user.email, password: `${payload}-long-enough` });
    expect(login.data?.login.accessToken).toEqual(expect.any(String));
  });

  it('is refused with a coded error where it is no valid symbol, currency, email, time zone, token or id', async () => {
    const trade = { portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '1', price: '1', currency: 'USD', executedAt: minutesAgo(1) };
    const attempts: Array<[string, Promise<{ errors?: Array<{ extensions?: Record<string, unknown> }> }>, Array<string | undefined>]> = [
      ['symbol', attacker.client.request(operation('RecordTransaction'), { input: { ...trade, symbol: payload } }), ['BAD_USER_INPUT']],
      ['currency', attacker.client.request(operation('RecordTransaction'), { input: { ...trade, currency: payload } }), ['BAD_USER_INPUT']],
      ['portfolioId', attacker.client.request(operation('RecordTransaction'), { input: { ...trade, portfolioId: payload } }), ['NOT_FOUND']],
      [
        'baseCurrency',
        attacker.client.request(operation('CreatePortfolio'), { input: { name: 'n', portfolioType: 'TAXABLE', baseCurrency: payload } }),
        ['BAD_USER_INPUT'],
      ],
      ['profile baseCurrency', attacker.client.request(operation('UpdateProfile'), { input: { baseCurrency: payload } }), ['BAD_USER_INPUT']],
      ['timezone', attacker.client.request(operation('UpdateProfile'), { input: { timezone: payload } }), ['BAD_USER_INPUT']],
      ['scope', attacker.client.request(operation('CreateApiKey'), { input: { name: 'k', scopes: [payload] } }), ['BAD_USER_INPUT']],
      ['register email', stack.client.request(operation('Register'), { input: { email: payload, password: 'long enough password' } }), ['BAD_USER_INPUT']],
      // Answers true for any address, known or not, so it cannot be used to probe for accounts.
      ['reset email', stack.client.request(operation('RequestPasswordReset'), { email: payload }), ['BAD_USER_INPUT', undefined]],
      ['advisor email', attacker.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: payload }), ['NOT_FOUND', 'BAD_USER_INPUT']],
      ['grant portfolioId', attacker.client.request(operation('GrantPortfolioAccess'), { portfolioId: payload, advisorEmail: 'a@b.co' }), ['NOT_FOUND']],
      ['refresh token', stack.client.request(operation('RefreshSession'), { refreshToken: payload }), ['UNAUTHENTICATED', 'BAD_USER_INPUT']],
      ['reset token', stack.client.request(operation('ResetPassword'), { token: payload, newPassword: 'long enough password' }), ['BAD_USER_INPUT']],
      ['verify token', stack.client.request(operation('VerifyEmail'), { token: payload }), ['BAD_USER_INPUT']],
      ['api key id', attacker.client.request(operation('RevokeApiKey'), { id: payload }), ['NOT_FOUND', 'BAD_USER_INPUT']],
    ];
    const codes = await Promise.all(attempts.map(async ([name, answer, allowed]) => ({ name, code: codeOf(await answer), allowed })));
    for (const { name, code, allowed } of codes) expect(allowed, `${name} answered ${String(code)}`).toContain(code);
  });

  it('leaves every table in place and the other user exactly as before', async () => {
    expect(await tables()).toEqual(tablesBefore);
    expect(await victimView()).toEqual(victimBefore);
    const login = await stack.client.request(operation('Login'), { email: victim.email, password: victim.password });
    expect(login.data?.login.accessToken).toEqual(expect.any(String));
  });
});

describe('edge values', () => {
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let portfolioId: string;
  beforeAll(async () => {
    owner = await registerUser(stack, 'edges');
    const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Edges', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    portfolioId = created.data?.createPortfolio.id;
  });
  const deposit = (fields: Record<string, unknown>) =>
    owner.client.request(operation('RecordTransaction'), {
      input: { portfolioId, type: 'DEPOSIT', amount: '1', currency: 'USD', executedAt: minutesAgo(1), ...fields },
    });

  it('round-trips Unicode and emoji names exactly', async () => {
    const name = '👩‍👩‍👧‍👦 Família Zürich 日本語 العربية 🚀';
    const created = await owner.client.request(operation('CreatePortfolio'), {
      input: { name, description: name, portfolioType: 'TAXABLE', baseCurrency: 'EUR' },
    });
    expect(created.data?.createPortfolio).toMatchObject({ name, description: name });
    const profile = await owner.client.request(operation('UpdateProfile'), { input: { displayName: name } });
    expect(profile.data?.updateProfile.profile.displayName).toBe(name);
    const me = await owner.client.request('{ me { profile { displayName } portfolios { name } } }');
    expect(me.data?.me.profile.displayName).toBe(name);
    expect(me.data?.me.portfolios.map((portfolio: { name: string }) => portfolio.name)).toContain(name);
  });

  it('keeps the largest and the most precise decimal the scalar allows exactly in the ledger', async () => {
    const amount = '123456789012345678.1234567891';
    const answer = await deposit({ amount });
    expect(answer.errors).toBeUndefined();
    // Money is presented at MONEY_SCALE (4) places, rounded half-even; the ledger keeps every digit.
    expect(answer.data?.recordTransaction.amount.amount).toBe(new Decimal(amount).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN).toFixed());
    const rows = await portfolioDb((sql) => sql`select amount::text as amount from transactions where id = ${answer.data?.recordTransaction.id}`);
    expect(rows).toEqual([{ amount }]);
  });

  const badDecimals = [
    ['19 integer digits', '1234567890123456789'],
    ['11 fractional digits', '0.12345678901'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['-Infinity', '-Infinity'],
    ['an exponent', '1e5'],
    ['a comma', '1,5'],
  ];
  const badDates = [
    ['in the expanded-year range', '+275760-09-13T00:00:00.000Z'],
    ['without a time zone', '2025-01-01T00:00:00'],
  ];

  it.each(badDecimals)('refuses a decimal with %s and writes nothing', async (_, amount) => {
    const answer = await deposit({ amount });
    expect(answer.data?.recordTransaction ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
  });

  // The portfolio subgraph refuses these with HTTP 400 BAD_USER_INPUT; the gateway passes that on
  // (it once read it as "service unavailable" when it saw another copy of graphql's GraphQLError).
  it.each(badDecimals)('answers a decimal with %s with BAD_USER_INPUT', async (_, amount) => {
    expect(codeOf(await deposit({ amount }))).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['a summer-time offset', '2025-03-30T03:30:00+02:00', '2025-03-30T01:30:00.000Z'],
    ['the repeated hour at the end of US daylight time', '2025-11-02T01:30:00-04:00', '2025-11-02T05:30:00.000Z'],
    ['the same wall time one hour later', '2025-11-02T01:30:00-05:00', '2025-11-02T06:30:00.000Z'],
    ['a half-hour zone', '2025-06-01T12:00:00+05:30', '2025-06-01T06:30:00.000Z'],
    ['a date before 1970', '1965-06-15T12:00:00Z', '1965-06-15T12:00:00.000Z'],
    ['the first instant of 1970', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
  ])('normalises executedAt with %s to UTC', async (_, executedAt, utc) => {
    const answer = await deposit({ executedAt });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.recordTransaction.executedAt).toBe(utc);
  });

  it('refuses executedAt in the future with BAD_USER_INPUT, as the contract says', async () => {
    expect(codeOf(await deposit({ executedAt: '2999-01-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
  });

  it.each(badDates)('refuses executedAt %s and writes nothing', async (_, executedAt) => {
    const answer = await deposit({ executedAt });
    expect(answer.data?.recordTransaction ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
  });

  it.each(badDates)('answers executedAt %s with BAD_USER_INPUT', async (_, executedAt) => {
    expect(codeOf(await deposit({ executedAt }))).toBe('BAD_USER_INPUT');
  });

  // JavaScript's Date rolls an impossible day over into the next month; the DateTime scalar must not.
  it('refuses an impossible calendar day (30 February) instead of moving it to 2 March', async () => {
    expect(codeOf(await deposit({ executedAt: '2025-02-30T00:00:00Z', notes: 'impossible day' }))).toBe('BAD_USER_INPUT');
  });

  it('wrote only the accepted entries', async () => {
    const rows = await portfolioDb(
      (sql) => sql`select count(*)::int as n from transactions where portfolio_id = ${portfolioId} and notes is distinct from 'impossible day'`,
    );
    expect(rows[0]?.n).toBe(7);
  });
});
