import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createHarness, given, givenPortfolio, minutesAgo, newUser, RECORD, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const UPDATE = `mutation($id: ID!, $input: UpdatePortfolioInput!) { updatePortfolio(id: $id, input: $input) { id name description } }`;
const ARCHIVE = `mutation($id: ID!) { archivePortfolio(id: $id) { id isActive } }`;
const DELETE = `mutation($id: ID!) { deleteTransaction(id: $id) }`;
const STATE = `query($id: ID!) { portfolio(id: $id) {
  holdings { symbol quantity costBasis { amount } }
  cashBalances { amount currency }
} }`;

const stored = async (portfolioId: string) => ({
  holdings: (
    await h.pool.sql`select symbol, quantity::text, cost_basis::text as cost, realized_gain::text as realized from holdings
    where portfolio_id = ${portfolioId} order by symbol`
  ).map((row) => ({ ...row })),
  cash: (await h.pool.sql`select currency, amount::text from cash_balances where portfolio_id = ${portfolioId} order by currency`).map((row) => ({ ...row })),
  transactions: Number((await h.pool.sql`select count(*)::int as n from transactions where portfolio_id = ${portfolioId}`)[0]?.n),
});

describe('updatePortfolio', () => {
  it('renames and re-describes, keeping what was omitted', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner, 'Old');
    const renamed = await h.run(owner, UPDATE, { id, input: { name: '  New name ', description: 'About it' } });
    expect(renamed.data?.updatePortfolio).toEqual({ id, name: 'New name', description: 'About it' });
    const described = await h.run(owner, UPDATE, { id, input: { description: 'Changed' } });
    expect(described.data?.updatePortfolio).toEqual({ id, name: 'New name', description: 'Changed' });
    const cleared = await h.run(owner, UPDATE, { id, input: { description: null } });
    expect(cleared.data?.updatePortfolio).toEqual({ id, name: 'New name', description: null });
  });

  it('applies the create rules and writes nothing on bad input', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner, 'Kept');
    expect(codeOf(await h.run(owner, UPDATE, { id, input: { name: '   ' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(owner, UPDATE, { id, input: { name: 'n'.repeat(101) } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(owner, UPDATE, { id, input: { name: 'ok', description: 'd'.repeat(1001) } }))).toBe('BAD_USER_INPUT');
    const [row] = await h.pool.sql`select name, description from portfolios where id = ${id}`;
    expect(row).toEqual({ name: 'Kept', description: null });
  });

  it("answers NOT_FOUND for another user's portfolio, an advisor's and a missing one, and writes nothing", async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner, 'Mine');
    const advisor = { userId: randomUUID(), role: 'ADVISOR' as const };
    await h.pool.sql`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${id}, ${owner.userId}, ${advisor.userId})`;
    for (const caller of [newUser(), advisor]) {
      expect(codeOf(await h.run(caller, UPDATE, { id, input: { name: 'Hijacked' } }))).toBe('NOT_FOUND');
      expect(codeOf(await h.run(caller, ARCHIVE, { id }))).toBe('NOT_FOUND');
    }
    expect(codeOf(await h.run(owner, UPDATE, { id: randomUUID(), input: { name: 'x' } }))).toBe('NOT_FOUND');
    expect(codeOf(await h.run(null, UPDATE, { id, input: { name: 'x' } }))).toBe('UNAUTHENTICATED');
    const [row] = await h.pool.sql`select name, is_active from portfolios where id = ${id}`;
    expect(row).toEqual({ name: 'Mine', is_active: true });
  });
});

describe('archivePortfolio', () => {
  it('archives, keeps the portfolio readable and refuses new or deleted entries with CONFLICT', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const deposit = await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '100' });
    const archived = await h.run(owner, ARCHIVE, { id });
    expect(archived.data?.archivePortfolio).toEqual({ id, isActive: false });
    expect((await h.run(owner, ARCHIVE, { id })).data?.archivePortfolio).toEqual({ id, isActive: false });
    const recorded = await h.run(owner, RECORD, { input: { portfolioId: id, type: 'DEPOSIT', amount: '1', currency: 'USD', executedAt: minutesAgo(1) } });
    expect(codeOf(recorded)).toBe('CONFLICT');
    expect(codeOf(await h.run(owner, DELETE, { id: deposit.id }))).toBe('CONFLICT');
    expect(await stored(id)).toMatchObject({ cash: [{ currency: 'USD', amount: '100' }], transactions: 1 });
    expect((await h.run(owner, STATE, { id })).data?.portfolio.cashBalances).toEqual([{ amount: '100', currency: 'USD' }]);
  });
});

describe('deleteTransaction', () => {
  it('removes a buy and rebuilds the holding and cash from the remaining ledger', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '5000', executedAt: minutesAgo(60) });
    await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: 'AAPL', quantity: '10', price: '100', fees: '2', executedAt: minutesAgo(50) });
    const second = await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: 'AAPL', quantity: '5', price: '130', executedAt: minutesAgo(40) });
    await given(h.run, owner, { portfolioId: id, type: 'SELL', symbol: 'AAPL', quantity: '3', price: '150', fees: '1', executedAt: minutesAgo(30) });
    const answer = await h.run(owner, DELETE, { id: second.id });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.deleteTransaction).toBe(true);
    // Left: BUY 10 @ 100 + 2 (cost 1002), SELL 3 @ 150 - 1: cost removed 1002 x 3/10 = 300.6,
    // realized 449 - 300.6 = 148.4; cash 5000 - 1002 + 449 = 4447.
    expect(await stored(id)).toEqual({
      holdings: [{ symbol: 'AAPL', quantity: '7', cost: '701.4', realized: '148.4' }],
      cash: [{ currency: 'USD', amount: '4447' }],
      transactions: 3,
    });
    expect((await h.run(owner, STATE, { id })).data?.portfolio).toEqual({
      holdings: [{ symbol: 'AAPL', quantity: '7', costBasis: { amount: '701.4' } }],
      cashBalances: [{ amount: '4447', currency: 'USD' }],
    });
  });

  it('replays a split in date order after an earlier buy is removed', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const first = await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: 'MSFT', quantity: '4', price: '300', executedAt: minutesAgo(50) });
    await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: 'MSFT', quantity: '2', price: '310', executedAt: minutesAgo(40) });
    await given(h.run, owner, { portfolioId: id, type: 'SPLIT', symbol: 'MSFT', quantity: '2', executedAt: minutesAgo(30) });
    await given(h.run, owner, { portfolioId: id, type: 'DIVIDEND', symbol: 'MSFT', amount: '12', executedAt: minutesAgo(20) });
    expect((await h.run(owner, DELETE, { id: first.id })).data?.deleteTransaction).toBe(true);
    // Left: BUY 2 @ 310, SPLIT 2:1 -> 4 shares costing 620; cash -620 + 12.
    expect(await stored(id)).toEqual({
      holdings: [{ symbol: 'MSFT', quantity: '4', cost: '620', realized: '0' }],
      cash: [{ currency: 'USD', amount: '-608' }],
      transactions: 3,
    });
  });

  it('removes a cash entry and only touches that currency', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const fee = await given(h.run, owner, { portfolioId: id, type: 'FEE', amount: '7.5', currency: 'EUR' });
    await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '20', currency: 'EUR' });
    await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '30', currency: 'USD' });
    expect((await h.run(owner, DELETE, { id: fee.id })).data?.deleteTransaction).toBe(true);
    expect((await stored(id)).cash).toEqual([
      { currency: 'EUR', amount: '20' },
      { currency: 'USD', amount: '30' },
    ]);
  });

  it('refuses, writing nothing, when a later sell would oversell without the entry', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const buy = await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: 'AAPL', quantity: '5', price: '100', executedAt: minutesAgo(50) });
    await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: 'AAPL', quantity: '1', price: '100', executedAt: minutesAgo(40) });
    await given(h.run, owner, { portfolioId: id, type: 'SELL', symbol: 'AAPL', quantity: '4', price: '120', executedAt: minutesAgo(30) });
    const before = await stored(id);
    const answer = await h.run(owner, DELETE, { id: buy.id });
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toContain('Cannot sell 4 AAPL');
    expect(await stored(id)).toEqual(before);
  });

  it("answers NOT_FOUND for another user's entry, an advisor's, and a missing one, and writes nothing", async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const deposit = await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '100' });
    const advisor = { userId: randomUUID(), role: 'ADVISOR' as const };
    await h.pool.sql`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${id}, ${owner.userId}, ${advisor.userId})`;
    const other = await h.run(newUser(), DELETE, { id: deposit.id });
    const missing = await h.run(owner, DELETE, { id: randomUUID() });
    expect(codeOf(other)).toBe('NOT_FOUND');
    expect(other.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    expect(codeOf(await h.run(advisor, DELETE, { id: deposit.id }))).toBe('NOT_FOUND');
    expect(codeOf(await h.run(owner, DELETE, { id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect(await stored(id)).toMatchObject({ cash: [{ currency: 'USD', amount: '100' }], transactions: 1 });
  });

  it('lets two concurrent deletes of the same entry succeed once', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const deposit = await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '100' });
    await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '50' });
    const replica = h.replica();
    const answers = await Promise.all([h.run(owner, DELETE, { id: deposit.id }), replica.run(owner, DELETE, { id: deposit.id })]);
    expect(answers.map((answer) => answer.data?.deleteTransaction ?? codeOf(answer)).sort()).toEqual(['NOT_FOUND', true].sort());
    expect(await stored(id)).toMatchObject({ cash: [{ currency: 'USD', amount: '50' }], transactions: 1 });
  });
});

describe('setPortfolioBenchmark', () => {
  const SET = `mutation($p: ID!, $s: String!) { setPortfolioBenchmark(portfolioId: $p, symbol: $s) { id benchmark { symbol } } }`;
  it('sets a benchmark from the universe, in any case', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    expect((await h.run(owner, `query($id: ID!) { portfolio(id: $id) { benchmark { symbol } } }`, { id })).data?.portfolio.benchmark).toEqual({
      symbol: 'SPY',
    });
    const answer = await h.run(owner, SET, { p: id, s: ' msft ' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.setPortfolioBenchmark).toEqual({ id, benchmark: { symbol: 'MSFT' } });
  });

  it('refuses an unknown symbol with BAD_USER_INPUT and another user with NOT_FOUND, writing nothing', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    expect(codeOf(await h.run(owner, SET, { p: id, s: 'NOPE' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(owner, SET, { p: id, s: '' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(newUser(), SET, { p: id, s: 'AAPL' }))).toBe('NOT_FOUND');
    const [row] = await h.pool.sql`select benchmark_symbol from portfolios where id = ${id}`;
    expect(row?.benchmark_symbol).toBe('SPY');
  });
});
