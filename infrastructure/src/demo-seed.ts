import type { GatewayClient } from './gateway-client.ts';

export const DEMO_EMAIL = 'demo@nexanest.local';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`;
const PORTFOLIOS = `{ me { portfolios { id name transactions(first: 1) { totalCount } } } }`;
const CREATE_PORTFOLIO = `mutation($input: CreatePortfolioInput!) { createPortfolio(input: $input) { id } }`;
const RECORD = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { id } }`;

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** The demo portfolio's ledger; idempotency keys make a re-run (or an interrupted one) safe. */
const DEMO_LEDGER = [
  { type: 'DEPOSIT', amount: '50000', currency: 'USD', executedAt: daysAgo(400), idempotencyKey: 'demo-1' },
  { type: 'BUY', symbol: 'AAPL', quantity: '40', price: '172.50', fees: '1.00', currency: 'USD', executedAt: daysAgo(380), idempotencyKey: 'demo-2' },
  { type: 'BUY', symbol: 'MSFT', quantity: '25', price: '338.10', fees: '1.00', currency: 'USD', executedAt: daysAgo(300), idempotencyKey: 'demo-3' },
  { type: 'BUY', symbol: 'SPY', quantity: '30', price: '455.00', fees: '0', currency: 'USD', executedAt: daysAgo(200), idempotencyKey: 'demo-4' },
  { type: 'SELL', symbol: 'AAPL', quantity: '10', price: '189.90', fees: '1.00', currency: 'USD', executedAt: daysAgo(90), idempotencyKey: 'demo-5' },
  { type: 'DIVIDEND', symbol: 'MSFT', amount: '18.75', currency: 'USD', executedAt: daysAgo(60), idempotencyKey: 'demo-6' },
];

const must = <T>(response: { data?: T | null; errors?: Array<{ message: string }> }, what: string): T => {
  if (!response.data || response.errors?.length) throw new Error(`demo seed: ${what} failed: ${response.errors?.map((e) => e.message).join('; ')}`);
  return response.data;
};

/**
 * Ensures the demo user and a demo portfolio, through the gateway like any client: no service
 * reaches into another's database, not even for seeding. A portfolio that already holds as many
 * entries as the demo ledger is left alone (an interrupted seed holds fewer, and is completed).
 */
export async function seedDemoUser(client: GatewayClient, password: string): Promise<void> {
  const login = await client.request<{ login: { accessToken: string } }>(LOGIN, { email: DEMO_EMAIL, password });
  const token =
    login.data?.login.accessToken ??
    must(
      await client.request<{ register: { accessToken: string } }>(REGISTER, {
        input: { email: DEMO_EMAIL, password, displayName: 'Demo Investor', baseCurrency: 'USD' },
      }),
      'register',
    ).register.accessToken;
  const user = client.withToken(token);
  const { me } = must(
    await user.request<{ me: { portfolios: Array<{ id: string; name: string; transactions: { totalCount: number } }> } }>(PORTFOLIOS),
    'list portfolios',
  );
  const existing = me.portfolios.find((p) => p.name === 'Demo growth');
  // A complete ledger from an earlier start: six mutations less beside the first requests.
  if (existing && existing.transactions.totalCount >= DEMO_LEDGER.length) return;
  const portfolioId =
    existing?.id ??
    must(
      await user.request<{ createPortfolio: { id: string } }>(CREATE_PORTFOLIO, {
        input: { name: 'Demo growth', portfolioType: 'TAXABLE', baseCurrency: 'USD', description: 'Seeded by npm start' },
      }),
      'create portfolio',
    ).createPortfolio.id;
  for (const entry of DEMO_LEDGER) must(await user.request(RECORD, { input: { portfolioId, ...entry } }), `record ${entry.idempotencyKey}`);
}
