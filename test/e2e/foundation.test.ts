import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.teardown();
});

const isoSecondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

async function ingest(price: string, symbol = 'AAPL', secondsAgo = 1) {
  const admin = await adminClient(stack);
  const response = await admin.request(operation('IngestPrices'), { ticks: [{ symbol, price, time: isoSecondsAgo(secondsAgo), volume: '100' }] });
  expect(response.errors).toBeUndefined();
  return response.data as { ingestPrices: { accepted: number } };
}

describe('identity through the gateway', () => {
  it('registers, signs in and answers Me for the signed-in user only', async () => {
    const email = `e2e_${Date.now()}@example.com`;
    const registered = await stack.client.request(operation('Register'), {
      input: { email, password: 'a long enough password', displayName: 'Ada', baseCurrency: 'EUR' },
    });
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.register.user).toMatchObject({ email, role: 'USER', emailVerified: false, profile: { displayName: 'Ada', baseCurrency: 'EUR' } });

    const login = await stack.client.request(operation('Login'), { email, password: 'a long enough password' });
    expect(login.data?.login.user.email).toBe(email);
    const me = await stack.client.withToken(login.data?.login.accessToken).request(operation('Me'));
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ email, role: 'USER', apiKeys: [] });
  });

  it('answers Me without a token with UNAUTHENTICATED', async () => {
    const me = await stack.client.request(operation('Me'));
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a forged token and ignores a client-set identity header', async () => {
    const forged = await stack.client.request(operation('Me'), {}, { authorization: 'Bearer not.a.token' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const victim = await registerUser(stack, 'victim');
    const spoofed = await stack.client.request(operation('Me'), {}, { 'x-nexanest-identity': JSON.stringify({ userId: victim.userId, role: 'ADMIN' }) });
    expect(spoofed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(spoofed.data?.me ?? null).toBeNull();
  });
});

describe('ledger and the canonical cross-database Dashboard', () => {
  it('records BUY and SELL and values the portfolio at the latest price', async () => {
    const user = await registerUser(stack, 'investor');
    await ingest('160.00');
    const created = await user.client.request(operation('CreatePortfolio'), { input: { name: 'Core', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    expect(created.errors).toBeUndefined();
    const portfolioId = created.data?.createPortfolio.id as string;
    expect(created.data?.createPortfolio).toMatchObject({ name: 'Core', baseCurrency: 'USD', isActive: true });

    const record = (input: Record<string, unknown>) =>
      user.client.request(operation('RecordTransaction'), { input: { portfolioId, currency: 'USD', executedAt: isoSecondsAgo(3600), ...input } });
    expect((await record({ type: 'DEPOSIT', amount: '10000' })).errors).toBeUndefined();
    const buy = await record({ type: 'BUY', symbol: 'AAPL', quantity: '10', price: '150', fees: '1' });
    expect(buy.errors).toBeUndefined();
    expect(buy.data?.recordTransaction.amount).toEqual({ amount: '-1501', currency: 'USD' });
    const sell = await record({ type: 'SELL', symbol: 'AAPL', quantity: '4', price: '170', fees: '1' });
    expect(sell.errors).toBeUndefined();
    expect(sell.data?.recordTransaction.amount).toEqual({ amount: '679', currency: 'USD' });
    expect(sell.data?.recordTransaction.portfolio.holdings).toEqual([{ symbol: 'AAPL', quantity: '6', averageCost: { amount: '150.1', currency: 'USD' } }]);

    const dashboard = await user.client.request(operation('Dashboard'));
    expect(dashboard.errors).toBeUndefined();
    const [portfolio] = dashboard.data!.me.portfolios;
    const [holding] = portfolio.holdings;
    expect(holding.instrument).toMatchObject({ symbol: 'AAPL', name: expect.stringContaining('Apple'), currency: 'USD', latestPrice: { price: '160' } });
    // 6 shares at 160; cost basis 1501 x 6/10 = 900.6; cash 10000 - 1501 + 679 = 9178.
    expect(holding.marketValue).toEqual({ amount: '960', currency: 'USD' });
    expect(holding.unrealizedGain).toEqual({ amount: '59.4', currency: 'USD' });
    expect(portfolio.totalValue).toEqual({ amount: '10138', currency: 'USD' });
  });

  it('converts a EUR holding into a USD portfolio with the FX rate and adds up exactly', async () => {
    const user = await registerUser(stack, 'fx');
    await ingest('210.50', 'SAP');
    const created = await user.client.request(operation('CreatePortfolio'), { input: { name: 'Europe', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    const portfolioId = created.data?.createPortfolio.id as string;
    const buy = await user.client.request(operation('RecordTransaction'), {
      input: { portfolioId, type: 'BUY', symbol: 'SAP', quantity: '3', price: '200', currency: 'EUR', executedAt: isoSecondsAgo(60) },
    });
    expect(buy.errors).toBeUndefined();
    const dashboard = await user.client.request(operation('Dashboard'));
    expect(dashboard.errors).toBeUndefined();
    const [portfolio] = dashboard.data!.me.portfolios;
    const [holding] = portfolio.holdings;
    expect(holding.averageCost).toEqual({ amount: '200', currency: 'EUR' });
    expect(holding.marketValue.currency).toBe('USD');
    expect(new Decimal(holding.marketValue.amount).gt(0)).toBe(true);
    expect(new Decimal(holding.marketValue.amount).eq(new Decimal('631.5'))).toBe(false); // converted, not copied
    expect(portfolio.totalValue.currency).toBe('USD');
  });

  it('rejects overselling, negative quantities and unknown symbols with BAD_USER_INPUT and writes nothing', async () => {
    const user = await registerUser(stack, 'careless');
    const created = await user.client.request(operation('CreatePortfolio'), { input: { name: 'Tiny', portfolioType: 'SAVINGS', baseCurrency: 'USD' } });
    const portfolioId = created.data?.createPortfolio.id as string;
    const record = (input: Record<string, unknown>) =>
      user.client.request(operation('RecordTransaction'), { input: { portfolioId, currency: 'USD', executedAt: isoSecondsAgo(60), ...input } });
    expect((await record({ type: 'BUY', symbol: 'MSFT', quantity: '2', price: '300' })).errors).toBeUndefined();
    for (const input of [
      { type: 'SELL', symbol: 'MSFT', quantity: '3', price: '300' },
      { type: 'BUY', symbol: 'MSFT', quantity: '-1', price: '300' },
      { type: 'BUY', symbol: 'NOPE', quantity: '1', price: '1' },
    ]) {
      const response = await record(input);
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(response.data?.recordTransaction ?? null).toBeNull();
    }
    const detail = await user.client.request('query($id: ID!) { portfolio(id: $id) { holdings { symbol quantity } cashBalances { amount currency } } }', {
      id: portfolioId,
    });
    expect(detail.data?.portfolio).toEqual({ holdings: [{ symbol: 'MSFT', quantity: '2' }], cashBalances: [{ amount: '-600', currency: 'USD' }] });
  });

  it("answers NOT_FOUND for another user's portfolio", async () => {
    const owner = await registerUser(stack, 'owner');
    const intruder = await registerUser(stack, 'intruder');
    const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Private', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
    const id = created.data?.createPortfolio.id as string;
    const peek = await intruder.client.request('query($id: ID!) { portfolio(id: $id) { id name } }', { id });
    expect(peek.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const write = await intruder.client.request(operation('RecordTransaction'), {
      input: { portfolioId: id, type: 'DEPOSIT', amount: '1', currency: 'USD', executedAt: isoSecondsAgo(5) },
    });
    expect(write.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('market data', () => {
  it('answers Instrument with the latest price and daily candles', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 10 * 86_400_000);
    const response = await stack.client.request(operation('Instrument'), { symbol: 'MSFT', from: from.toISOString(), to: to.toISOString() });
    expect(response.errors).toBeUndefined();
    const instrument = response.data?.instrument;
    expect(instrument).toMatchObject({ symbol: 'MSFT', currency: 'USD', assetClass: 'STOCK' });
    expect(instrument.latestPrice.price).toMatch(/^\d+(\.\d+)?$/);
    expect(instrument.candles.length).toBeGreaterThan(0);
  });

  it('refuses IngestPrices from an ordinary user', async () => {
    const user = await registerUser(stack, 'feeder');
    const response = await user.client.request(operation('IngestPrices'), { ticks: [{ symbol: 'AAPL', price: '1', time: isoSecondsAgo(1) }] });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('streams PriceTicks over graphql-ws with fields from the market subgraph', async () => {
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const events = client.iterate({ query: operation('PriceTicks'), variables: { symbols: ['NVDA'] } });
    const first = events.next();
    let received: IteratorResult<unknown> | undefined;
    first.then((event) => (received = event));
    // The upstream subscription is set up asynchronously; keep publishing until a tick arrives.
    for (let attempt = 0; attempt < 50 && !received; attempt++) {
      await ingest(`${900 + attempt}.25`, 'NVDA', 1 + attempt);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const event = (await first).value as { data: { priceTicks: Record<string, unknown> } };
    expect(event.data.priceTicks).toMatchObject({
      symbol: 'NVDA',
      price: expect.stringMatching(/^9\d\d\.25$/),
      instrument: { name: expect.stringContaining('NVIDIA') },
    });
    await events.return?.();
    await client.dispose();
  });
});

describe('bad documents', () => {
  it('answers a malformed document with GRAPHQL_PARSE_FAILED', async () => {
    const response = await stack.client.request('{ me { id ');
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
