import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, seedDemoUser } from '@nexanest/infrastructure';
import { startTestStack, type TestStack } from '../support/stack.ts';

// npm start seeds the demo user through the gateway on every start: an interrupted seed is
// completed, a complete one is left alone.
const PASSWORD = 'demo_test_password';
const DEMO_PORTFOLIO = `{ me { portfolios { name transactions(first: 20) { totalCount } holdings { symbol quantity } } } }`;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.teardown();
});

async function demoPortfolio() {
  const login = await stack.client.request<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: DEMO_EMAIL, p: PASSWORD },
  );
  const me = await stack.client.withToken(login.data!.login.accessToken).request<{
    me: { portfolios: Array<{ name: string; transactions: { totalCount: number }; holdings: Array<{ symbol: string; quantity: string }> }> };
  }>(DEMO_PORTFOLIO);
  return me.data!.me.portfolios;
}

describe('the demo user seed of npm start', () => {
  it('completes a seed interrupted after the first entries', async () => {
    const registered = await stack.client.request<{ register: { accessToken: string } }>(
      'mutation($input: RegisterInput!) { register(input: $input) { accessToken } }',
      { input: { email: DEMO_EMAIL, password: PASSWORD, displayName: 'Demo Investor', baseCurrency: 'USD' } },
    );
    const user = stack.client.withToken(registered.data!.register.accessToken);
    const created = await user.request<{ createPortfolio: { id: string } }>(
      'mutation($input: CreatePortfolioInput!) { createPortfolio(input: $input) { id } }',
      {
        input: { name: 'Demo growth', portfolioType: 'TAXABLE', baseCurrency: 'USD' },
      },
    );
    await user.request('mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { id } }', {
      input: {
        portfolioId: created.data!.createPortfolio.id,
        type: 'DEPOSIT',
        amount: '50000',
        currency: 'USD',
        executedAt: new Date(Date.now() - 400 * 86_400_000).toISOString(),
        idempotencyKey: 'demo-1',
      },
    });
    await seedDemoUser(stack.client, PASSWORD);
    const [portfolio] = await demoPortfolio();
    expect(portfolio?.transactions.totalCount).toBe(6);
    expect(portfolio?.holdings.map((h) => [h.symbol, Number(h.quantity)]).sort()).toEqual([
      ['AAPL', 30],
      ['MSFT', 25],
      ['SPY', 30],
    ]);
  });

  it('leaves a complete demo portfolio as it is on the next start', async () => {
    await seedDemoUser(stack.client, PASSWORD);
    const portfolios = await demoPortfolio();
    expect(portfolios).toHaveLength(1);
    expect(portfolios[0]?.transactions.totalCount).toBe(6);
  });
});
