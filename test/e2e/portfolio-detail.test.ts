import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../support/operations.ts';
import { Decimal } from 'decimal.js';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Portfolio management through the gateway, with the contract's documents as a client sends them:
 * settings, archiving, deleting ledger entries, paging the ledger, benchmarks, watchlists, goals,
 * allocation rules and the valuation fields market contributes.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ demoHistoryDays: 30 });
});
afterAll(async () => {
  await stack?.teardown();
});

type Client = Awaited<ReturnType<typeof registerUser>>['client'];
const isoMinutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const codeOf = (response: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.code;

async function createPortfolio(client: Client, name = 'Core', baseCurrency = 'USD'): Promise<string> {
  const created = await client.request(operation('CreatePortfolio'), { input: { name, portfolioType: 'TAXABLE', baseCurrency } });
  expect(created.errors).toBeUndefined();
  return created.data?.createPortfolio.id as string;
}

async function record(client: Client, portfolioId: string, input: Record<string, unknown>) {
  const response = await client.request(operation('RecordTransaction'), { input: { portfolioId, currency: 'USD', executedAt: isoMinutesAgo(30), ...input } });
  expect(response.errors, JSON.stringify(input)).toBeUndefined();
  return response.data?.recordTransaction as { id: string };
}

const ledgerOf = async (client: Client, id: string) =>
  (await client.request('query($id: ID!) { portfolio(id: $id) { holdings { symbol quantity } cashBalances { amount currency } } }', { id })).data?.portfolio;

describe('portfolio settings', () => {
  it('updates and archives a portfolio; an archived ledger refuses entries with CONFLICT', async () => {
    const user = await registerUser(stack, 'settings');
    const id = await createPortfolio(user.client, 'Draft');
    const updated = await user.client.request(operation('UpdatePortfolio'), { id, input: { name: 'Retirement', description: 'Slow and steady' } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updatePortfolio).toEqual({ id, name: 'Retirement', description: 'Slow and steady' });
    const bad = await user.client.request(operation('UpdatePortfolio'), { id, input: { name: '' } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');

    const archived = await user.client.request(operation('ArchivePortfolio'), { id });
    expect(archived.data?.archivePortfolio).toEqual({ id, isActive: false });
    const refused = await user.client.request(operation('RecordTransaction'), {
      input: { portfolioId: id, type: 'DEPOSIT', amount: '10', currency: 'USD', executedAt: isoMinutesAgo(1) },
    });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(await ledgerOf(user.client, id)).toEqual({ holdings: [], cashBalances: [] });
  });
});

describe('deleting ledger entries', () => {
  it('deletes a buy and the holding and cash follow; an entry that a later sell needs is refused', async () => {
    const user = await registerUser(stack, 'deleter');
    const id = await createPortfolio(user.client);
    await record(user.client, id, { type: 'DEPOSIT', amount: '2000', executedAt: isoMinutesAgo(60) });
    const first = await record(user.client, id, { type: 'BUY', symbol: 'AAPL', quantity: '4', price: '100', executedAt: isoMinutesAgo(50) });
    const second = await record(user.client, id, { type: 'BUY', symbol: 'AAPL', quantity: '2', price: '110', executedAt: isoMinutesAgo(40) });
    await record(user.client, id, { type: 'SELL', symbol: 'AAPL', quantity: '3', price: '120', executedAt: isoMinutesAgo(30) });

    const deleted = await user.client.request(operation('DeleteTransaction'), { id: second.id });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteTransaction).toBe(true);
    // 2000 - 400 + 360
    expect(await ledgerOf(user.client, id)).toEqual({ holdings: [{ symbol: 'AAPL', quantity: '1' }], cashBalances: [{ amount: '1960', currency: 'USD' }] });

    const oversell = await user.client.request(operation('DeleteTransaction'), { id: first.id });
    expect(codeOf(oversell)).toBe('BAD_USER_INPUT');
    expect(await ledgerOf(user.client, id)).toEqual({ holdings: [{ symbol: 'AAPL', quantity: '1' }], cashBalances: [{ amount: '1960', currency: 'USD' }] });
  });
});

describe('the ledger, page by page', () => {
  it('pages Portfolio.transactions newest first through the gateway', async () => {
    const user = await registerUser(stack, 'pager');
    const id = await createPortfolio(user.client);
    for (let i = 1; i <= 5; i++) await record(user.client, id, { type: 'DEPOSIT', amount: `${i}`, executedAt: isoMinutesAgo(100 - i) });
    const query = `query($id: ID!, $after: String) { portfolio(id: $id) {
      transactions(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type executedAt amount { amount } } } } } }`;
    const amounts: string[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 5; pageNo++) {
      const response: { data?: Record<string, any> | null; errors?: unknown } = await user.client.request(query, { id, after });
      expect(response.errors).toBeUndefined();
      const connection = response.data?.portfolio.transactions;
      expect(connection.totalCount).toBe(5);
      amounts.push(...connection.edges.map((edge: { node: { amount: { amount: string } } }) => edge.node.amount.amount));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(amounts).toEqual(['5', '4', '3', '2', '1']);
    const tooMany = await user.client.request('query($id: ID!) { portfolio(id: $id) { transactions(first: 101) { totalCount } } }', { id });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
  });
});

describe('benchmark', () => {
  it('sets the benchmark and answers its name from market', async () => {
    const user = await registerUser(stack, 'bench');
    const id = await createPortfolio(user.client);
    const response = await user.client.request(operation('SetPortfolioBenchmark'), { portfolioId: id, symbol: 'QQQ' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.setPortfolioBenchmark).toEqual({ id, benchmark: { symbol: 'QQQ', name: expect.stringMatching(/Nasdaq|QQQ/i) } });
    expect(codeOf(await user.client.request(operation('SetPortfolioBenchmark'), { portfolioId: id, symbol: 'ZZZZ' }))).toBe('BAD_USER_INPUT');
  });
});

describe('watchlists', () => {
  it('creates a watchlist, adds symbols (twice is a no-op) and lists them with prices from market', async () => {
    const user = await registerUser(stack, 'watcher');
    const created = await user.client.request(operation('CreateWatchlist'), { name: 'Chips' });
    expect(created.errors).toBeUndefined();
    const watchlistId = created.data?.createWatchlist.id as string;
    expect(created.data?.createWatchlist).toEqual({ id: watchlistId, name: 'Chips' });
    for (const symbol of ['NVDA', 'ASML', 'nvda']) {
      const added = await user.client.request(operation('AddWatchlistItem'), { watchlistId, symbol });
      expect(added.errors, symbol).toBeUndefined();
    }
    const last = await user.client.request(operation('AddWatchlistItem'), { watchlistId, symbol: 'NVDA' });
    expect(last.data?.addWatchlistItem).toEqual({ id: watchlistId, items: [{ symbol: 'NVDA' }, { symbol: 'ASML' }] });
    expect(codeOf(await user.client.request(operation('AddWatchlistItem'), { watchlistId, symbol: 'NOPE' }))).toBe('BAD_USER_INPUT');

    const listed = await user.client.request(operation('Watchlists'));
    expect(listed.errors).toBeUndefined();
    const [watchlist] = listed.data!.me.watchlists;
    expect(watchlist).toMatchObject({ id: watchlistId, name: 'Chips' });
    expect(watchlist.items.map((item: { symbol: string }) => item.symbol)).toEqual(['NVDA', 'ASML']);
    for (const item of watchlist.items) {
      expect(item.instrument.name).toEqual(expect.any(String));
      expect(item.instrument.latestPrice.price).toMatch(/^\d+(\.\d+)?$/);
      expect(typeof item.instrument.latestPrice.changePercent).toBe('number');
    }
  });
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('goals and allocation rules', () => {
  it('sets a goal and allocation rules and reads them back on the portfolio', async () => {
    const user = await registerUser(stack, 'planner');
    const id = await createPortfolio(user.client, 'Plans', 'EUR');
    const goal = await user.client.request(operation('CreateGoal'), {
      input: { portfolioId: id, name: 'Sabbatical', targetAmount: '30000', targetDate: inDays(400) },
    });
    expect(goal.errors).toBeUndefined();
    // Nothing held and no cash yet: no progress.
    expect(goal.data?.createGoal).toMatchObject({ name: 'Sabbatical', targetAmount: { amount: '30000', currency: 'EUR' }, progress: 0 });
    const rule = await user.client.request(operation('SetAllocationRule'), {
      input: { portfolioId: id, dimension: 'ASSET_CLASS', key: 'ETF', targetWeight: 0.7, tolerance: 0.05 },
    });
    expect(rule.errors).toBeUndefined();
    expect(rule.data?.setAllocationRule).toEqual({ id: expect.any(String), key: 'ETF', targetWeight: 0.7, tolerance: 0.05 });
    const tooMuch = await user.client.request(operation('SetAllocationRule'), {
      input: { portfolioId: id, dimension: 'ASSET_CLASS', key: 'STOCK', targetWeight: 0.4, tolerance: 0.05 },
    });
    expect(codeOf(tooMuch)).toBe('BAD_USER_INPUT');
    const read = await user.client.request('query($id: ID!) { portfolio(id: $id) { goals { name } allocationRules { key targetWeight } } }', { id });
    expect(read.data?.portfolio).toEqual({ goals: [{ name: 'Sabbatical' }], allocationRules: [{ key: 'ETF', targetWeight: 0.7 }] });
  });
});

describe('valuation at real prices', () => {
  it('answers PortfolioDetail, goal progress, rule drift and a rebalance plan from market prices and FX', async () => {
    const admin = await adminClient(stack);
    const time = new Date(Date.now() - 1000).toISOString();
    const ingested = await admin.request(operation('IngestPrices'), {
      ticks: [
        { symbol: 'AAPL', price: '200', time, volume: '1' },
        { symbol: 'SPY', price: '500', time, volume: '1' },
      ],
    });
    expect(ingested.data?.ingestPrices.accepted).toBe(2);

    const user = await registerUser(stack, 'valued');
    const id = await createPortfolio(user.client, 'Valued');
    await record(user.client, id, { type: 'DEPOSIT', amount: '10000', executedAt: isoMinutesAgo(60) });
    await record(user.client, id, { type: 'DEPOSIT', amount: '1000', currency: 'EUR', executedAt: isoMinutesAgo(60) });
    await record(user.client, id, { type: 'BUY', symbol: 'AAPL', quantity: '10', price: '150', executedAt: isoMinutesAgo(50) });
    await record(user.client, id, { type: 'BUY', symbol: 'SPY', quantity: '4', price: '400', executedAt: isoMinutesAgo(40) });
    const goal = await user.client.request(operation('CreateGoal'), {
      input: { portfolioId: id, name: 'House', targetAmount: '20000', targetDate: inDays(700) },
    });
    expect(goal.errors).toBeUndefined();
    const rule = await user.client.request(operation('SetAllocationRule'), {
      input: { portfolioId: id, dimension: 'SYMBOL', key: 'AAPL', targetWeight: 0.3, tolerance: 0.05 },
    });
    expect(rule.errors).toBeUndefined();

    const fx = await user.client.request('{ fxRate(base: "EUR", quote: "USD") { rate } }');
    const eurUsd = new Decimal(fx.data?.fxRate.rate);
    // Cash: 10000 - 1500 - 1600 = 6900 USD, and 1000 EUR at the latest rate.
    const cash = new Decimal(6900).add(eurUsd.mul(1000));
    const money4 = (value: Decimal) => value.toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN).toFixed();

    // The whole contract operation; performance, snapshots and riskMetrics are analytics' (tested there).
    const detail = await user.client.request(operation('PortfolioDetail'), { id, from: inDays(-30), to: inDays(0) });
    expect(detail.errors).toBeUndefined();
    const portfolio = detail.data?.portfolio;
    expect(portfolio).toMatchObject({ id, name: 'Valued', baseCurrency: 'USD', isActive: true, owner: { id: user.userId, email: user.email } });
    expect(portfolio.cashBalance).toEqual({ amount: money4(cash), currency: 'USD' });
    expect(portfolio.totalValue).toEqual({ amount: money4(cash.add(4000)), currency: 'USD' });
    expect(portfolio.holdings).toEqual([
      { symbol: 'AAPL', quantity: '10', costBasis: { amount: '1500', currency: 'USD' }, marketValue: { amount: '2000', currency: 'USD' }, weight: 0.5 },
      { symbol: 'SPY', quantity: '4', costBasis: { amount: '1600', currency: 'USD' }, marketValue: { amount: '2000', currency: 'USD' }, weight: 0.5 },
    ]);
    expect(portfolio.transactions.totalCount).toBe(4);
    expect(portfolio.transactions.edges.map((edge: { node: { type: string } }) => edge.node.type)).toEqual(['BUY', 'BUY', 'DEPOSIT', 'DEPOSIT']);
    expect(portfolio.allocation).toEqual([
      { key: 'ETF', value: { amount: '2000', currency: 'USD' }, weight: 0.5 },
      { key: 'STOCK', value: { amount: '2000', currency: 'USD' }, weight: 0.5 },
    ]);
    expect(portfolio.goals).toHaveLength(1);
    expect(portfolio.goals[0].progress).toBeCloseTo(cash.add(4000).div(20000).toNumber(), 12);
    expect(goal.data?.createGoal.progress).toBeCloseTo(cash.add(4000).div(20000).toNumber(), 12);
    expect(portfolio.allocationRules).toEqual([{ id: expect.any(String), key: 'AAPL', targetWeight: 0.3, tolerance: 0.05, currentWeight: 0.5, drift: 0.2 }]);

    // AAPL is 2000 of 4000: to weigh 0.3 after the trade it must be 0.3 x 2000 / 0.7 = 857.142857...,
    // so 1142.857142.../200 = 5.714285714... shares are sold, rounded toward zero to 5.714285.
    const plan = await user.client.request(operation('RebalancePlan'), { portfolioId: id });
    expect(plan.errors).toBeUndefined();
    expect(plan.data?.portfolio.rebalancePlan).toEqual([
      { symbol: 'AAPL', action: 'SELL', quantity: '5.714285', estimatedValue: { amount: '1142.857', currency: 'USD' } },
    ]);
  });
});

describe("another user's portfolio", () => {
  it('answers NOT_FOUND to every write on a portfolio or watchlist of someone else and writes nothing', async () => {
    const owner = await registerUser(stack, 'victim');
    const intruder = await registerUser(stack, 'intruder');
    const id = await createPortfolio(owner.client, 'Private');
    const deposit = await record(owner.client, id, { type: 'DEPOSIT', amount: '500' });

    expect(codeOf(await intruder.client.request(operation('UpdatePortfolio'), { id, input: { name: 'Mine now' } }))).toBe('NOT_FOUND');
    expect(codeOf(await intruder.client.request(operation('ArchivePortfolio'), { id }))).toBe('NOT_FOUND');
    expect(codeOf(await intruder.client.request(operation('DeleteTransaction'), { id: deposit.id }))).toBe('NOT_FOUND');
    expect(codeOf(await intruder.client.request(operation('SetPortfolioBenchmark'), { portfolioId: id, symbol: 'AAPL' }))).toBe('NOT_FOUND');

    const goal = await intruder.client.request(operation('CreateGoal'), { input: { portfolioId: id, name: 'x', targetAmount: '1', targetDate: inDays(30) } });
    expect(codeOf(goal)).toBe('NOT_FOUND');
    const rule = await intruder.client.request(operation('SetAllocationRule'), {
      input: { portfolioId: id, dimension: 'SYMBOL', key: 'AAPL', targetWeight: 0.5, tolerance: 0.1 },
    });
    expect(codeOf(rule)).toBe('NOT_FOUND');
    const plans = await owner.client.request('query($id: ID!) { portfolio(id: $id) { goals { id } allocationRules { id } } }', { id });
    expect(plans.data?.portfolio).toEqual({ goals: [], allocationRules: [] });

    const watchlist = await owner.client.request(operation('CreateWatchlist'), { name: 'Mine' });
    const watchlistId = watchlist.data?.createWatchlist.id as string;
    expect(codeOf(await intruder.client.request(operation('AddWatchlistItem'), { watchlistId, symbol: 'AAPL' }))).toBe('NOT_FOUND');
    expect((await owner.client.request(operation('Watchlists'))).data?.me.watchlists).toEqual([{ id: watchlistId, name: 'Mine', items: [] }]);

    const after = await owner.client.request('query($id: ID!) { portfolio(id: $id) { name isActive cashBalances { amount } } }', { id });
    expect(after.data?.portfolio).toEqual({ name: 'Private', isActive: true, cashBalances: [{ amount: '500' }] });
  });
});
