import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, EVENTS_REDIS_DB, type Redis } from '@nexanest/bus';
import { createPool, statementCounter, type Pool } from '@nexanest/db';
import { testRedisUrl } from '@nexanest/testing';
import { groupCaughtUp, outboxRelayed, until } from '../support/events.ts';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * What the recorded operations cost PostgreSQL once warm, per subgraph: each subgraph gets one
 * fetch for Dashboard and PortfolioDetail (fetch-batching.test.ts), and sends at most one
 * statement for it. Counted on the request pools only (background workers have pools of their
 * own). Analytics' snapshot builder shares its pool's name and rebuilds a portfolio's snapshots
 * after each ledger event, so the counts start once the events of the set-up have been relayed
 * and consumed, and each figure is the least of a few requests: background work only adds to a count.
 */
type Client = Awaited<ReturnType<typeof registerUser>>['client'];
const REQUEST_POOLS = { auth: 'nexanest-auth', portfolio: 'portfolio', market: 'market', analytics: 'nexanest-analytics' };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

let stack: TestStack;
let events: Redis;
let portfolioOwner: Pool<Record<string, never>>;
beforeAll(async () => {
  stack = await startTestStack({ demoHistoryDays: 30 });
  events = connectRedis(testRedisUrl(), EVENTS_REDIS_DB);
  portfolioOwner = createPool({ url: stack.databases.portfolio, max: 1, applicationName: 'statements-test' });
});
afterAll(async () => {
  events?.disconnect();
  await portfolioOwner?.close();
  await stack?.teardown();
});

/** The set-up's ledger events are relayed from portfolio's outbox and analytics has built from them. */
const settled = () => until(async () => (await outboxRelayed(portfolioOwner.sql)) && (await groupCaughtUp(events, stack.namespace, 'analytics')), 30_000);

/** A portfolio holding 2 of each symbol (`SYMBOL` in USD, or `SYMBOL:CURRENCY`), bought with cash deposited in its currency. */
async function portfolioWith(client: Client, baseCurrency: string, symbols: string[]): Promise<string> {
  const created = await client.request(operation('CreatePortfolio'), { input: { name: `In ${baseCurrency}`, portfolioType: 'TAXABLE', baseCurrency } });
  const portfolioId = created.data?.createPortfolio.id as string;
  const bought = symbols.map((entry) => entry.split(':') as [string, string?]).map(([symbol, currency = 'USD']) => ({ symbol, currency }));
  const entries = [
    ...[...new Set(bought.map((buy) => buy.currency))].map((currency) => ({ type: 'DEPOSIT', amount: '10000', currency })),
    ...bought.map((buy) => ({ type: 'BUY', quantity: '2', price: '50', ...buy })),
  ];
  for (const entry of entries) {
    const answer = await client.request(operation('RecordTransaction'), { input: { portfolioId, executedAt: minutesAgo(90), ...entry } });
    expect(answer.errors).toBeUndefined();
  }
  return portfolioId;
}

/** Statements of each request pool for one warm request: the least over five. */
async function warmStatements(request: () => Promise<{ errors?: unknown }>): Promise<Record<keyof typeof REQUEST_POOLS, number>> {
  await settled();
  expect((await request()).errors).toBeUndefined(); // the first read fills the caches
  const least = { auth: Infinity, portfolio: Infinity, market: Infinity, analytics: Infinity };
  for (let i = 0; i < 5; i++) {
    statementCounter.reset();
    expect((await request()).errors).toBeUndefined();
    for (const [subgraph, pool] of Object.entries(REQUEST_POOLS) as [keyof typeof least, string][])
      least[subgraph] = Math.min(least[subgraph], statementCounter.of(pool));
  }
  return least;
}

describe('SQL statements per subgraph fetch, warm', () => {
  it('PortfolioDetail: none from portfolio (its cache), one each from analytics, market (FX, however many currencies) and auth', async () => {
    const user = await registerUser(stack, 'detail_cost');
    // Its valuations ask market for FX tables of different currencies in different ticks.
    const portfolioId = await portfolioWith(user.client, 'EUR', ['AAPL', 'MSFT', 'SPY', 'SAP:EUR', 'SHEL:GBP', '7203:JPY']);
    const target = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const goal = await user.client.request(operation('CreateGoal'), { input: { portfolioId, name: 'Boat', targetAmount: '90000', targetDate: target } });
    expect(goal.errors).toBeUndefined();
    const rule = { portfolioId, dimension: 'ASSET_CLASS', key: 'ETF', targetWeight: 0.3, tolerance: 0.05 };
    expect((await user.client.request(operation('SetAllocationRule'), { input: rule })).errors).toBeUndefined();
    const variables = { id: portfolioId, from: minutesAgo(60 * 24 * 30), to: minutesAgo(0) };
    const detail = () => user.client.request(operation('PortfolioDetail'), variables);
    const answer = (await detail()).data?.portfolio;
    // Not an empty portfolio: every part the statements read is there.
    expect(answer.holdings).toHaveLength(6);
    expect(answer.cashBalance.currency).toBe('EUR');
    expect(answer.goals).toHaveLength(1);
    expect(answer.allocationRules).toHaveLength(1);
    expect(answer.totalValue.currency).toBe('EUR');
    expect(await warmStatements(detail)).toEqual({ portfolio: 0, analytics: 1, market: 1, auth: 1 });
  });

  it('Dashboard: one from auth; market reads instruments from its process cache, FX rates only when a currency needs them', async () => {
    const dollars = await registerUser(stack, 'dash_usd');
    await portfolioWith(dollars.client, 'USD', ['AAPL', 'MSFT']);
    await portfolioWith(dollars.client, 'USD', ['SPY', 'JPM']);
    const dashboard = () => dollars.client.request(operation('Dashboard'), {});
    expect(await warmStatements(dashboard)).toEqual({ portfolio: 0, analytics: 0, market: 0, auth: 1 });

    const mixed = await registerUser(stack, 'dash_mixed');
    await portfolioWith(mixed.client, 'USD', ['AAPL', 'NVDA']);
    await portfolioWith(mixed.client, 'EUR', ['MSFT', 'V']);
    await portfolioWith(mixed.client, 'GBP', ['SPY']);
    const mixedDashboard = () => mixed.client.request(operation('Dashboard'), {});
    const answer = (await mixedDashboard()).data?.me.portfolios as { holdings: unknown[] }[];
    expect(answer.map((portfolio) => portfolio.holdings.length)).toEqual([2, 2, 1]);
    expect(await warmStatements(mixedDashboard)).toEqual({ portfolio: 0, analytics: 0, market: 1, auth: 1 });
  });
});
