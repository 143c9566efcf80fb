import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { statementCounter } from '@nexanest/db';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { adminClient, registerAdvisor, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Portfolio's cache-aside reads (Redis DB 0, the run's namespace) through the gateway: a repeated
 * read is served from Redis, and after each kind of write the next read shows the write.
 */
type Client = Awaited<ReturnType<typeof registerUser>>;

let stack: TestStack;
let owner: Client;
let stranger: Client;
let advisor: Client;
let portfolioId: string;

const DETAIL = `query($id: ID!) { portfolio(id: $id) {
  id name isActive cashBalances { amount currency } holdings { symbol quantity costBasis { amount } }
  transactions(first: 5) { totalCount edges { node { id type } } }
} }`;
const LIST = '{ me { portfolios { id name isActive } } }';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function detail(client: Client['client'] = owner.client) {
  const answer = await client.request(DETAIL, { id: portfolioId });
  return answer;
}

/** Statements portfolio's request pool sends to PostgreSQL for one request (its outbox relay has a pool of its own). */
async function statementsOf(request: () => Promise<unknown>): Promise<number> {
  statementCounter.reset();
  await request();
  return statementCounter.of('portfolio');
}

async function record(input: Record<string, unknown>) {
  const answer = await owner.client.request(operation('RecordTransaction'), { input: { portfolioId, currency: 'USD', executedAt: minutesAgo(5), ...input } });
  expect(answer.errors).toBeUndefined();
  return answer.data?.recordTransaction.id as string;
}

beforeAll(async () => {
  stack = await startTestStack();
  owner = await registerUser(stack, 'cached');
  stranger = await registerUser(stack, 'stranger');
  advisor = await registerAdvisor(stack, await adminClient(stack), 'cacheadvisor');
  const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Cached', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
  portfolioId = created.data?.createPortfolio.id;
  await record({ type: 'DEPOSIT', amount: '1000' });
  await record({ type: 'BUY', symbol: 'AAPL', quantity: '2', price: '100' });
});
afterAll(async () => {
  await stack?.teardown();
});

describe('portfolio cache-aside', () => {
  it('serves a repeated read from Redis, under the run namespace in DB 0', async () => {
    const first = await detail();
    expect(first.errors).toBeUndefined();
    expect(first.data?.portfolio.holdings).toEqual([{ symbol: 'AAPL', quantity: '2', costBasis: { amount: '200' } }]);
    expect(await statementsOf(() => detail())).toBe(0);
    expect((await detail()).data).toEqual(first.data);
    const redis = new Redis(testRedisUrl(), { db: 0 });
    try {
      // Two writes so far (deposit, buy): generation 2.
      const generation = await redis.get(`${stack.namespace}:portfolio:cache:gen:p:${portfolioId}`);
      expect(generation).toBe('2');
      expect(await redis.exists(`${stack.namespace}:portfolio:cache:p:${portfolioId}:${generation}:holdings`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('never serves the cached portfolio to another user', async () => {
    await detail();
    const other = await detail(stranger.client);
    expect(other.data?.portfolio ?? null).toBeNull();
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await stranger.client.request(LIST)).data?.me.portfolios).toEqual([]);
  });

  it('shows a recorded transaction on the next read', async () => {
    await detail();
    await record({ type: 'BUY', symbol: 'AAPL', quantity: '3', price: '110' });
    const after = await detail();
    expect(after.data?.portfolio.holdings).toEqual([{ symbol: 'AAPL', quantity: '5', costBasis: { amount: '530' } }]);
    expect(after.data?.portfolio.cashBalances).toEqual([{ amount: '470', currency: 'USD' }]);
    expect(after.data?.portfolio.transactions.totalCount).toBe(3);
  });

  it('shows a deleted transaction gone on the next read', async () => {
    const id = await record({ type: 'WITHDRAWAL', amount: '70' });
    expect((await detail()).data?.portfolio.cashBalances).toEqual([{ amount: '400', currency: 'USD' }]);
    const deleted = await owner.client.request('mutation($id: ID!) { deleteTransaction(id: $id) }', { id });
    expect(deleted.data?.deleteTransaction).toBe(true);
    const after = await detail();
    expect(after.data?.portfolio.cashBalances).toEqual([{ amount: '470', currency: 'USD' }]);
    expect(after.data?.portfolio.transactions.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(id);
  });

  it('shows an update and an archive in the portfolio and in the owner list', async () => {
    expect((await owner.client.request(LIST)).data?.me.portfolios).toEqual([{ id: portfolioId, name: 'Cached', isActive: true }]);
    await detail();
    const updated = await owner.client.request('mutation($id: ID!) { updatePortfolio(id: $id, input: { name: "Renamed" }) { name } }', { id: portfolioId });
    expect(updated.errors).toBeUndefined();
    expect((await detail()).data?.portfolio.name).toBe('Renamed');
    expect((await owner.client.request(LIST)).data?.me.portfolios).toEqual([{ id: portfolioId, name: 'Renamed', isActive: true }]);
    const archived = await owner.client.request('mutation($id: ID!) { archivePortfolio(id: $id) { isActive } }', { id: portfolioId });
    expect(archived.errors).toBeUndefined();
    expect((await detail()).data?.portfolio.isActive).toBe(false);
    expect((await owner.client.request(LIST)).data?.me.portfolios).toEqual([{ id: portfolioId, name: 'Renamed', isActive: false }]);
  });

  it('shows a created portfolio in the cached owner list', async () => {
    await owner.client.request(LIST);
    const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Second', portfolioType: 'TAXABLE', baseCurrency: 'EUR' } });
    const list = (await owner.client.request(LIST)).data?.me.portfolios;
    expect(list.map((p: { id: string }) => p.id)).toEqual([portfolioId, created.data?.createPortfolio.id]);
  });

  it('serves goals and allocation rules from Redis, and shows a new goal and a changed rule on the next read', async () => {
    const PLANNING = `query($id: ID!) { portfolio(id: $id) {
      goals { id name targetAmount { amount currency } targetDate createdAt reachedAt }
      allocationRules { id dimension key targetWeight tolerance }
    } }`;
    const planning = async (client: Client['client'] = owner.client) => client.request(PLANNING, { id: portfolioId });
    expect((await planning()).data?.portfolio).toEqual({ goals: [], allocationRules: [] });
    expect(await statementsOf(() => planning())).toBe(0);

    const targetDate = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const goal = await owner.client.request(operation('CreateGoal'), { input: { portfolioId, name: 'House', targetAmount: '50000', targetDate } });
    expect(goal.errors).toBeUndefined();
    const withGoal = await planning();
    expect(withGoal.data?.portfolio.goals).toEqual([
      {
        id: goal.data?.createGoal.id,
        name: 'House',
        targetAmount: { amount: '50000', currency: 'USD' },
        targetDate,
        createdAt: expect.any(String),
        reachedAt: null,
      },
    ]);
    const rule = { portfolioId, dimension: 'ASSET_CLASS', key: 'stock', targetWeight: 0.6, tolerance: 0.05 };
    expect((await owner.client.request(operation('SetAllocationRule'), { input: rule })).errors).toBeUndefined();
    const withRule = await planning();
    expect(withRule.data?.portfolio.allocationRules).toEqual([
      { id: expect.any(String), dimension: 'ASSET_CLASS', key: 'STOCK', targetWeight: 0.6, tolerance: 0.05 },
    ]);
    // Served from Redis now, dates and all, exactly as PostgreSQL answered.
    expect(await statementsOf(async () => expect((await planning()).data).toEqual(withRule.data))).toBe(0);

    expect((await owner.client.request(operation('SetAllocationRule'), { input: { ...rule, targetWeight: 0.7 } })).errors).toBeUndefined();
    expect((await planning()).data?.portfolio.allocationRules).toMatchObject([{ key: 'STOCK', targetWeight: 0.7 }]);
    expect((await planning(stranger.client)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('follows grants and revokes for an advisor at once', async () => {
    await detail();
    expect((await detail(advisor.client)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: advisor.email })).errors).toBeUndefined();
    const granted = await detail(advisor.client);
    expect(granted.errors).toBeUndefined();
    expect(granted.data?.portfolio.holdings).toEqual([{ symbol: 'AAPL', quantity: '5', costBasis: { amount: '530' } }]);
    expect((await owner.client.request(operation('RevokePortfolioAccess'), { portfolioId, advisorEmail: advisor.email })).errors).toBeUndefined();
    expect((await detail(advisor.client)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
