import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { loadGatewayEnv, startGateway } from '@nexanest/gateway';
import { createGatewayClient } from '@nexanest/infrastructure';
import { readMetric, testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Fetch batching (gateway/src/fetch-batching.ts), a lever of issue 8: the stack's gateway batches
 * (the default), a second gateway on the same subgraphs does not. Both answer the contract's
 * operations identically; the batching one sends Dashboard's three parallel market fetches as one
 * request; and batches never mix two callers' fetches.
 */
type User = Awaited<ReturnType<typeof registerUser>>;

let stack: TestStack;
let unbatched: ServiceHandle;
const users: User[] = [];
const portfolios = new Map<string, string>();
const DAY_MS = 86_400_000;
const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS).toISOString();
const from = new Date(Date.parse(to) - 30 * DAY_MS).toISOString();

async function setUp(user: User, symbols: string[]) {
  const created = await user.client.request(operation('CreatePortfolio'), {
    input: { name: `Batch ${user.email}`, portfolioType: 'TAXABLE', baseCurrency: 'USD' },
  });
  const portfolioId = created.data?.createPortfolio.id as string;
  portfolios.set(user.userId, portfolioId);
  const record = async (input: Record<string, unknown>) => {
    const answer = await user.client.request(operation('RecordTransaction'), {
      input: { portfolioId, currency: 'USD', executedAt: new Date(Date.now() - 3_600_000).toISOString(), ...input },
    });
    expect(answer.errors).toBeUndefined();
  };
  await record({ type: 'DEPOSIT', amount: '10000' });
  for (const [i, symbol] of symbols.entries()) await record({ type: 'BUY', symbol, quantity: String(i + 1), price: '100.25' });
}

const marketFetches = async (url: string) => (await readMetric(url, 'subgraph_fetch_duration_seconds_count', { subgraph: 'market', outcome: 'ok' })) ?? 0;

beforeAll(async () => {
  stack = await startTestStack({ demoHistoryDays: 40 });
  users.push(await registerUser(stack, 'batch-a'), await registerUser(stack, 'batch-b'));
  await setUp(users[0] as User, ['AAPL', 'MSFT', 'SPY']);
  await setUp(users[1] as User, ['NVDA', 'QQQ']);
  const env = loadGatewayEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: testRedisUrl(),
    NEXANEST_NAMESPACE: stack.namespace,
    GATEWAY_FETCH_BATCHING: 'off',
  });
  unbatched = await startGateway({ env, logger: createLogger('unbatched', 'silent'), subgraphUrls: stack.services, port: 0 });
}, 120_000);
afterAll(async () => {
  await unbatched?.close();
  await stack?.teardown();
});

describe('fetch batching at the gateway', () => {
  it('answers Dashboard and PortfolioDetail exactly as a gateway without it, with one market request instead of three', async () => {
    const user = users[0] as User;
    const plain = createGatewayClient(unbatched.url).withToken(user.token);
    const detailVariables = { id: portfolios.get(user.userId), from, to };

    const batchedBefore = await marketFetches(stack.gatewayUrl);
    const batched = await user.client.request(operation('Dashboard'));
    const batchedSent = (await marketFetches(stack.gatewayUrl)) - batchedBefore;
    const plainBefore = await marketFetches(unbatched.url);
    const unbatchedAnswer = await plain.request(operation('Dashboard'));
    const plainSent = (await marketFetches(unbatched.url)) - plainBefore;

    expect(batched.errors).toBeUndefined();
    expect(batched.data?.me.portfolios[0].holdings.map((h: { symbol: string }) => h.symbol).sort()).toEqual(['AAPL', 'MSFT', 'SPY']);
    expect(batched.data?.me.portfolios[0].holdings.every((h: { marketValue: unknown }) => h.marketValue)).toBe(true);
    expect(batched).toEqual(unbatchedAnswer);
    expect(plainSent).toBe(3);
    expect(batchedSent).toBe(1);

    const detail = await user.client.request(operation('PortfolioDetail'), detailVariables);
    expect(detail.errors).toBeUndefined();
    expect(detail).toEqual(await plain.request(operation('PortfolioDetail'), detailVariables));
  });

  it("keeps each caller's fetches to their own requests when many operations run at once", async () => {
    const [a, b] = users as [User, User];
    const rounds = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b)).map(async (user) => ({ user, answer: await user.client.request(operation('Dashboard')) })),
    );
    for (const { user, answer } of rounds) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.me.email).toBe(user.email);
      const symbols = answer.data?.me.portfolios.flatMap((p: { holdings: { symbol: string }[] }) => p.holdings.map((h) => h.symbol)).sort();
      expect(symbols).toEqual(user === a ? ['AAPL', 'MSFT', 'SPY'] : ['NVDA', 'QQQ']);
    }
  });

  it("passes a subgraph's error to the fetch it belongs to, and nobody else's data", async () => {
    // A portfolio the caller may not see: NOT_FOUND for it, and no batching changes that answer.
    const [a, b] = users as [User, User];
    const variables = { id: portfolios.get(b.userId), from, to };
    const batched = await a.client.request(operation('PortfolioDetail'), variables);
    const plain = await createGatewayClient(unbatched.url).withToken(a.token).request(operation('PortfolioDetail'), variables);
    expect(batched.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(batched).toEqual(plain);
  });
});
