import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketClient } from '@nexanest/graphql';
import { startFakeMarket } from './fake-market.ts';
import { CREATE_PORTFOLIO, RECORD, codeOf, createHarness, given, givenPortfolio, minutesAgo, newUser, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const counts = async () => ({
  transactions: await h.count('transactions'),
  holdings: await h.count('holdings'),
  cash: await h.count('cash_balances'),
});

describe('createPortfolio', () => {
  it('creates a portfolio owned by the caller', async () => {
    const answer = await h.run(newUser(), CREATE_PORTFOLIO, {
      input: { name: '  Retirement  ', description: 'Long term', portfolioType: 'RETIREMENT', baseCurrency: 'EUR' },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.createPortfolio).toMatchObject({
      name: 'Retirement',
      description: 'Long term',
      portfolioType: 'RETIREMENT',
      baseCurrency: 'EUR',
      isActive: true,
    });
  });
  it('refuses an empty name, a long description and an unknown currency', async () => {
    const input = { name: 'x', portfolioType: 'TAXABLE', baseCurrency: 'USD' };
    expect(codeOf(await h.run(newUser(), CREATE_PORTFOLIO, { input: { ...input, name: '   ' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(newUser(), CREATE_PORTFOLIO, { input: { ...input, name: 'n'.repeat(101) } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(newUser(), CREATE_PORTFOLIO, { input: { ...input, description: 'd'.repeat(1001) } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(newUser(), CREATE_PORTFOLIO, { input: { ...input, baseCurrency: 'XXX' } }))).toBe('BAD_USER_INPUT');
  });
  it('answers UNAUTHENTICATED without an identity', async () => {
    const answer = await h.run(null, CREATE_PORTFOLIO, { input: { name: 'x', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
  });
});

describe('recordTransaction', () => {
  it('records a buy, then a sell, and moves the holding and cash', async () => {
    const user = newUser();
    const id = await givenPortfolio(h.run, user);
    const buy = await given(h.run, user, { portfolioId: id, type: 'BUY', symbol: 'aapl', quantity: '10', price: '150.10', fees: '1.00' });
    expect(buy).toMatchObject({
      type: 'BUY',
      symbol: 'AAPL',
      quantity: '10',
      price: '150.1',
      fees: '1',
      currency: 'USD',
      amount: { amount: '-1502', currency: 'USD' },
    });
    expect(buy.portfolio.holdings).toEqual([
      { symbol: 'AAPL', quantity: '10', averageCost: { amount: '150.2', currency: 'USD' }, costBasis: { amount: '1502', currency: 'USD' } },
    ]);
    const sell = await given(h.run, user, { portfolioId: id, type: 'SELL', symbol: 'AAPL', quantity: '4', price: '160', fees: '0.5' });
    expect(sell.amount).toEqual({ amount: '639.5', currency: 'USD' });
    expect(sell.portfolio.holdings).toEqual([
      { symbol: 'AAPL', quantity: '6', averageCost: { amount: '150.2', currency: 'USD' }, costBasis: { amount: '901.2', currency: 'USD' } },
    ]);
    expect(sell.portfolio.cashBalances).toEqual([{ amount: '-862.5', currency: 'USD' }]);
    const [holding] = await h.pool.sql`select realized_gain::text as gain from holdings where portfolio_id = ${id}`;
    expect(holding?.gain).toBe('38.7'); // 640 - 0.5 - 600.8
  });

  it('hides a holding sold down to zero and keeps cash per currency', async () => {
    const user = newUser();
    const id = await givenPortfolio(h.run, user);
    await given(h.run, user, { portfolioId: id, type: 'DEPOSIT', amount: '1000', currency: 'EUR' });
    await given(h.run, user, { portfolioId: id, type: 'BUY', symbol: 'SAP', quantity: '2', price: '100', currency: 'EUR' });
    await given(h.run, user, { portfolioId: id, type: 'DEPOSIT', amount: '50' });
    const sold = await given(h.run, user, { portfolioId: id, type: 'SELL', symbol: 'SAP', quantity: '2', price: '110', currency: 'EUR' });
    expect(sold.portfolio.holdings).toEqual([]);
    expect(sold.portfolio.cashBalances).toEqual([
      { amount: '1020', currency: 'EUR' },
      { amount: '50', currency: 'USD' },
    ]);
  });

  it('splits a holding without changing its cost basis', async () => {
    const user = newUser();
    const id = await givenPortfolio(h.run, user);
    await given(h.run, user, { portfolioId: id, type: 'BUY', symbol: 'MSFT', quantity: '3', price: '300' });
    const split = await given(h.run, user, { portfolioId: id, type: 'SPLIT', symbol: 'MSFT', quantity: '2' });
    expect(split.amount).toEqual({ amount: '0', currency: 'USD' });
    expect(split.portfolio.holdings[0]).toMatchObject({ quantity: '6', averageCost: { amount: '150' }, costBasis: { amount: '900' } });
  });

  it("refuses a trade dated before a later trade of the same symbol, so a back-dated split cannot multiply today's shares", async () => {
    const user = newUser();
    const portfolioId = await givenPortfolio(h.run, user);
    await given(h.run, user, { portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '10', price: '100', executedAt: minutesAgo(5) });
    const before = await counts();
    const backDated = await h.run(user, RECORD, {
      input: { portfolioId, type: 'SPLIT', symbol: 'AAPL', quantity: '4', currency: 'USD', executedAt: '2020-08-31T00:00:00Z' },
    });
    expect(codeOf(backDated)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
    const inOrder = await given(h.run, user, { portfolioId, type: 'SPLIT', symbol: 'AAPL', quantity: '4', executedAt: minutesAgo(1) });
    expect(inOrder.portfolio.holdings[0]).toMatchObject({ quantity: '40' });
  });

  it('answers BAD_USER_INPUT and writes nothing for an oversell, a bad quantity, an unknown symbol or a wrong currency', async () => {
    const user = newUser();
    const portfolioId = await givenPortfolio(h.run, user);
    await given(h.run, user, { portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '5', price: '100' });
    const before = await counts();
    const base = { portfolioId, currency: 'USD', executedAt: minutesAgo(1) };
    const bad = [
      { ...base, type: 'SELL', symbol: 'AAPL', quantity: '5.0001', price: '100' },
      { ...base, type: 'BUY', symbol: 'AAPL', quantity: '-1', price: '100' },
      { ...base, type: 'BUY', symbol: 'AAPL', quantity: '1', price: '0' },
      { ...base, type: 'BUY', symbol: 'AAPL', quantity: '1', price: '1', fees: '-1' },
      { ...base, type: 'BUY', symbol: 'NOPE', quantity: '1', price: '100' },
      { ...base, type: 'BUY', symbol: 'SAP', quantity: '1', price: '100' },
      { ...base, type: 'DIVIDEND', amount: '1' },
      { ...base, type: 'DEPOSIT', amount: '1', currency: 'ZZZ' },
      { ...base, type: 'DEPOSIT', amount: '1', currency: 'CAD' }, // no FX rate: it could never be valued
      { ...base, type: 'DEPOSIT', amount: '1', executedAt: new Date(Date.now() + 60_000).toISOString() },
      { ...base, type: 'SPLIT', symbol: 'MSFT', quantity: '2' },
      { ...base, type: 'BUY', symbol: 'AAPL', quantity: 1, price: '1' },
    ];
    for (const input of bad) {
      const answer = await h.run(user, RECORD, { input });
      expect(codeOf(answer), JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
    expect(await counts()).toEqual(before);
  });

  it('returns the first transaction for a repeated idempotency key and writes one row', async () => {
    const user = newUser();
    const portfolioId = await givenPortfolio(h.run, user);
    const input = { portfolioId, type: 'DEPOSIT', amount: '100', idempotencyKey: 'dep-1' };
    const first = await given(h.run, user, input);
    const again = await given(h.run, user, { ...input, amount: '999' });
    const [concurrentA, concurrentB] = await Promise.all([given(h.run, user, input), given(h.run, user, input)]);
    expect([again.id, concurrentA.id, concurrentB.id]).toEqual([first.id, first.id, first.id]);
    expect(again.amount).toEqual({ amount: '100', currency: 'USD' });
    const [row] = await h.pool.sql`select count(*)::int as n from transactions where portfolio_id = ${portfolioId}`;
    expect(row?.n).toBe(1);
    expect(again.portfolio.cashBalances).toEqual([{ amount: '100', currency: 'USD' }]);
    // The key is per portfolio: another portfolio may use it too.
    const other = await givenPortfolio(h.run, user, 'Other');
    expect((await given(h.run, user, { ...input, portfolioId: other })).id).not.toBe(first.id);
  });

  it('answers a repeated key before the lock only for its owner, and not once the portfolio is archived', async () => {
    const owner = newUser();
    const portfolioId = await givenPortfolio(h.run, owner);
    const input = { portfolioId, type: 'DEPOSIT', amount: '100', currency: 'USD', executedAt: minutesAgo(5), idempotencyKey: 'dep-owner-only' };
    await given(h.run, owner, input);
    // Someone else replaying the owner's key learns nothing: NOT_FOUND, as for any write to it.
    const stranger = await h.run(newUser(), RECORD, { input });
    expect(codeOf(stranger)).toBe('NOT_FOUND');
    expect(stranger.data?.recordTransaction ?? null).toBeNull();
    const archived = await h.run(owner, 'mutation($id: ID!) { archivePortfolio(id: $id) { isActive } }', { id: portfolioId });
    expect(archived.errors).toBeUndefined();
    expect(codeOf(await h.run(owner, RECORD, { input }))).toBe('CONFLICT');
  });

  it('answers INTERNAL_SERVER_ERROR, not BAD_USER_INPUT, when market is unreachable', async () => {
    const down = await startFakeMarket();
    await down.close();
    const isolated = h.replica(createMarketClient({ url: down.url, timeoutMs: 1000 }));
    const user = newUser();
    const portfolioId = await givenPortfolio(isolated.run, user);
    const before = await counts();
    const answer = await isolated.run(user, RECORD, {
      input: { portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '1', price: '1', currency: 'USD', executedAt: minutesAgo(1) },
    });
    expect(codeOf(answer)).toBe('INTERNAL_SERVER_ERROR');
    expect(answer.errors?.[0]?.message).toBe('Internal server error');
    expect(await counts()).toEqual(before);
    // Cash-only entries need no market.
    expect((await given(isolated.run, user, { portfolioId, type: 'DEPOSIT', amount: '5' })).amount).toEqual({ amount: '5', currency: 'USD' });
  });

  it("answers NOT_FOUND for another user's portfolio, a missing one and a malformed id", async () => {
    const owner = newUser();
    const portfolioId = await givenPortfolio(h.run, owner);
    const before = await counts();
    for (const id of [portfolioId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const answer = await h.run(newUser(), RECORD, { input: { portfolioId: id, type: 'DEPOSIT', amount: '1', currency: 'USD', executedAt: minutesAgo(1) } });
      expect(codeOf(answer)).toBe('NOT_FOUND');
      expect(answer.errors?.[0]?.message).toBe('Portfolio not found');
    }
    expect(await counts()).toEqual(before);
  });

  it('lets exactly one of two concurrent full sells through and never goes below zero', async () => {
    const user = newUser();
    const a = h.replica();
    const b = h.replica();
    for (let round = 0; round < 3; round++) {
      const portfolioId = await givenPortfolio(h.run, user, `Race ${round}`);
      await given(h.run, user, { portfolioId, type: 'BUY', symbol: 'SPY', quantity: '7.5', price: '400' });
      const sell = { portfolioId, type: 'SELL', symbol: 'SPY', quantity: '7.5', price: '410', currency: 'USD', executedAt: minutesAgo(1) };
      const answers = await Promise.all([a.run(user, RECORD, { input: sell }), b.run(user, RECORD, { input: sell })]);
      expect(answers.filter((answer) => answer.data?.recordTransaction).length).toBe(1);
      expect(answers.map(codeOf).filter(Boolean)).toEqual(['BAD_USER_INPUT']);
      const rows = await h.pool.sql`select quantity::text as q, cost_basis::text as c from holdings where portfolio_id = ${portfolioId}`;
      expect(rows).toEqual([{ q: '0', c: '0' }]);
      const [cash] = await h.pool.sql`select amount::text as a from cash_balances where portfolio_id = ${portfolioId}`;
      expect(cash?.a).toBe('75');
    }
  });
});
