import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@nexanest/db';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Races through the gateway, as many clients would send them. The portfolio subgraph's own
 * tests race two calls against replicas; these race a hundred, end to end.
 */
let stack: TestStack;
let owner: Awaited<ReturnType<typeof registerUser>>;
beforeAll(async () => {
  // These tests judge what is written, not how fast: on a busy 2-core CI machine a hundred writes
  // to one portfolio (serialised by its row lock) can queue past the default 10 s upstream timeout.
  stack = await startTestStack({ env: { UPSTREAM_TIMEOUT_MS: '60000' } });
  owner = await registerUser(stack, 'racer');
});
afterAll(async () => {
  await stack?.teardown();
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const codeOf = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => answer.errors?.[0]?.extensions?.code;

async function newPortfolio(name: string): Promise<string> {
  const answer = await owner.client.request(operation('CreatePortfolio'), { input: { name, portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
  expect(answer.errors).toBeUndefined();
  return answer.data?.createPortfolio.id;
}

const record = (input: Record<string, unknown>) => owner.client.request(operation('RecordTransaction'), { input });

async function portfolioSql<T>(query: (sql: ReturnType<typeof createPool>['sql']) => Promise<T>): Promise<T> {
  const pool = createPool({ url: stack.databases.portfolio, max: 1, applicationName: 'concurrency-test' });
  try {
    return await query(pool.sql);
  } finally {
    await pool.close();
  }
}

describe('concurrent writes through the gateway', () => {
  it('writes exactly one row for 100 concurrent RecordTransaction calls with one idempotency key', async () => {
    const portfolioId = await newPortfolio('Idempotent');
    const input = { portfolioId, type: 'DEPOSIT', amount: '250.50', currency: 'USD', executedAt: minutesAgo(1), idempotencyKey: 'pay-day-2026-11' };
    const answers = await Promise.all(Array.from({ length: 100 }, () => record(input)));

    const ids = new Set(answers.map((answer) => answer.data?.recordTransaction?.id));
    expect(answers.map((answer) => answer.errors ?? null)).toEqual(Array.from({ length: 100 }, () => null));
    expect(ids.size).toBe(1);
    const rows = await portfolioSql((sql) => sql`select id, amount::text as amount from transactions where portfolio_id = ${portfolioId}`);
    expect(rows).toEqual([{ id: [...ids][0], amount: '250.5' }]);
    const cash = await owner.client.request('query($id: ID!) { portfolio(id: $id) { cashBalances { amount currency } } }', { id: portfolioId });
    expect(cash.data?.portfolio.cashBalances).toEqual([{ amount: '250.5', currency: 'USD' }]);
  });

  it('never takes a holding below zero when 30 sells of 1 share race for 12 shares', async () => {
    const portfolioId = await newPortfolio('Oversold');
    const buy = await record({ portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '12', price: '100', currency: 'USD', executedAt: minutesAgo(2) });
    expect(buy.errors).toBeUndefined();
    const sell = { portfolioId, type: 'SELL', symbol: 'AAPL', quantity: '1', price: '110', currency: 'USD', executedAt: minutesAgo(1) };
    const answers = await Promise.all(Array.from({ length: 30 }, () => record(sell)));

    const accepted = answers.filter((answer) => answer.data?.recordTransaction);
    expect(accepted).toHaveLength(12);
    expect(answers.filter((answer) => !answer.data?.recordTransaction).map(codeOf)).toEqual(Array.from({ length: 18 }, () => 'BAD_USER_INPUT'));
    const holdings = await portfolioSql((sql) => sql`select quantity::text as q, cost_basis::text as c from holdings where portfolio_id = ${portfolioId}`);
    expect(holdings).toEqual([{ q: '0', c: '0' }]);
    const sells = await portfolioSql((sql) => sql`select count(*)::int as n from transactions where portfolio_id = ${portfolioId} and type = 'SELL'`);
    expect(sells[0]?.n).toBe(12);
    const cash = await owner.client.request('query($id: ID!) { portfolio(id: $id) { cashBalances { amount currency } } }', { id: portfolioId });
    expect(cash.data?.portfolio.cashBalances).toEqual([{ amount: '120', currency: 'USD' }]);
  });

  it('keeps a partial-sell race consistent: what was sold plus what is held equals what was bought', async () => {
    const portfolioId = await newPortfolio('Partial');
    await record({ portfolioId, type: 'BUY', symbol: 'MSFT', quantity: '10.5', price: '300.1234', fees: '1.25', currency: 'USD', executedAt: minutesAgo(3) });
    const quantities = ['0.7', '1.3', '2.25', '0.0000000001', '3', '4.1', '0.5', '1'];
    const answers = await Promise.all(
      quantities.map((quantity) => record({ portfolioId, type: 'SELL', symbol: 'MSFT', quantity, price: '310', currency: 'USD', executedAt: minutesAgo(1) })),
    );
    for (const answer of answers) if (answer.errors) expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    const rows = await portfolioSql(
      (sql) => sql`select h.quantity >= 0 as "nonNegative",
                          trim_scale(h.quantity + (select coalesce(sum(t.quantity), 0) from transactions t where t.portfolio_id = h.portfolio_id and t.type = 'SELL'))::text as "heldPlusSold"
                   from holdings h where h.portfolio_id = ${portfolioId}`,
    );
    expect(rows).toEqual([{ nonNegative: true, heldPlusSold: '10.5' }]);
    expect(answers.filter((answer) => answer.data?.recordTransaction).length).toBeGreaterThan(0);
  });
});
