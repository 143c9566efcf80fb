import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../support/operations.ts';
import { adminClient, registerAdvisor, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

type Client = Awaited<ReturnType<typeof registerUser>>;

let stack: TestStack;
let owner: Client;
let advisor: Client;
let otherAdvisor: Client;
let portfolioId: string;

const PORTFOLIO = 'query($id: ID!) { portfolio(id: $id) { id name holdings { symbol quantity } owner { email apiKeys { id } profile { displayName } } } }';
const codeOf = (response: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.code;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  stack = await startTestStack();
  const admin = await adminClient(stack);
  owner = await registerUser(stack, 'client');
  advisor = await registerAdvisor(stack, admin, 'advisor');
  otherAdvisor = await registerAdvisor(stack, admin, 'advisor2');
  const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Retirement', portfolioType: 'RETIREMENT', baseCurrency: 'USD' } });
  portfolioId = created.data?.createPortfolio.id;
  await owner.client.request(operation('CreateApiKey'), { input: { name: 'bot', scopes: ['portfolio:read'] } });
  const bought = await owner.client.request(operation('RecordTransaction'), {
    input: { portfolioId, type: 'BUY', symbol: 'MSFT', quantity: '4', price: '300', currency: 'USD', executedAt: minutesAgo(5) },
  });
  expect(bought.errors).toBeUndefined();
});
afterAll(async () => {
  await stack?.teardown();
});

describe('advisor access, granted and revoked by the owner', () => {
  it('hides a client portfolio from an advisor until the owner grants access', async () => {
    expect(codeOf(await advisor.client.request(PORTFOLIO, { id: portfolioId }))).toBe('NOT_FOUND');
    const clients = await advisor.client.request(operation('AdvisorClients'));
    expect(clients.data?.me.clientPortfolios).toEqual([]);
  });

  it('refuses grants to anyone who is not an advisor, and malformed emails', async () => {
    const plain = await registerUser(stack, 'plain');
    expect(codeOf(await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: plain.email }))).toBe('NOT_FOUND');
    expect(codeOf(await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: 'nobody@example.com' }))).toBe('NOT_FOUND');
    const malformed = await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: 'not-an-email' });
    expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.extensions?.field).toBe('advisorEmail');
  });

  it('shows the granted advisor the portfolio, its holdings and the client email, read-only', async () => {
    const granted = await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: advisor.email.toUpperCase() });
    expect(granted.data?.grantPortfolioAccess).toEqual({ id: portfolioId });
    const clients = await advisor.client.request(operation('AdvisorClients'));
    expect(clients.errors).toBeUndefined();
    expect(clients.data?.me.clientPortfolios).toEqual([
      { id: portfolioId, name: 'Retirement', owner: { email: owner.email }, totalValue: expect.objectContaining({ currency: 'USD' }) },
    ]);
    const read = await advisor.client.request(PORTFOLIO, { id: portfolioId });
    expect(read.errors).toBeUndefined();
    expect(read.data?.portfolio.holdings).toEqual([{ symbol: 'MSFT', quantity: '4' }]);
    // The client's email and profile, never their API keys.
    expect(read.data?.portfolio.owner.email).toBe(owner.email);
    expect(read.data?.portfolio.owner.apiKeys).toEqual([]);
  });

  it('refuses every write of the advisor to the client portfolio and writes nothing', async () => {
    const recorded = await advisor.client.request(operation('RecordTransaction'), {
      input: { portfolioId, type: 'SELL', symbol: 'MSFT', quantity: '4', price: '1', currency: 'USD', executedAt: minutesAgo(1) },
    });
    expect(codeOf(recorded)).toBe('NOT_FOUND');
    const regrant = await advisor.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: otherAdvisor.email });
    expect(codeOf(regrant)).toBe('NOT_FOUND');
    const read = await owner.client.request(PORTFOLIO, { id: portfolioId });
    expect(read.data?.portfolio.holdings).toEqual([{ symbol: 'MSFT', quantity: '4' }]);
    expect(codeOf(await otherAdvisor.client.request(PORTFOLIO, { id: portfolioId }))).toBe('NOT_FOUND');
  });

  it('keeps one grant when the owner grants twice', async () => {
    await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: advisor.email });
    const clients = await advisor.client.request(operation('AdvisorClients'));
    expect(clients.data?.me.clientPortfolios).toHaveLength(1);
  });

  it('ends the access at once on revoke: the very next request reads nothing', async () => {
    const revoked = await owner.client.request(operation('RevokePortfolioAccess'), { portfolioId, advisorEmail: advisor.email });
    expect(revoked.data?.revokePortfolioAccess).toEqual({ id: portfolioId });
    expect(codeOf(await advisor.client.request(PORTFOLIO, { id: portfolioId }))).toBe('NOT_FOUND');
    expect((await advisor.client.request(operation('AdvisorClients'))).data?.me.clientPortfolios).toEqual([]);
    // The client's account is hidden again too.
    const entity = await advisor.client.request('query($id: ID!) { portfolio(id: $id) { owner { email } } }', { id: portfolioId });
    expect(entity.data?.portfolio ?? null).toBeNull();
  });

  it('lets the owner grant again after a revoke', async () => {
    await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: advisor.email });
    const read = await advisor.client.request(PORTFOLIO, { id: portfolioId });
    expect(read.data?.portfolio.id).toBe(portfolioId);
  });
});
