import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SECRETS } from '@nexanest/config';
import {
  ADVISOR_CLIENTS_PATH,
  IDENTITY_HEADER,
  INTERNAL_SIGNATURE_HEADER,
  signIdentity,
  signInternal,
  type Identity,
  type ServiceHandle,
  createMarketClient,
} from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { loadPortfolioEnv, startPortfolioService } from '../src/index.ts';
import { startFakeMarket, type FakeMarket } from './fake-market.ts';
import { logger } from './harness.ts';

let database: TestDatabase;
let market: FakeMarket;
let service: ServiceHandle;

beforeAll(async () => {
  database = await createTestDatabase('portfolio');
  market = await startFakeMarket();
  const env = loadPortfolioEnv({ NODE_ENV: 'test', PORTFOLIO_DATABASE_URL: database.url, MARKET_SUBGRAPH_URL: market.url });
  service = await startPortfolioService({ env, logger, port: 0 });
});
afterAll(async () => {
  await service?.close();
  await market?.close();
  await database?.drop();
});

async function post(query: string, variables: Record<string, unknown>, identity?: Identity | string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (identity) headers[IDENTITY_HEADER] = typeof identity === 'string' ? identity : await signIdentity(identity, DEV_SECRETS.GATEWAY_IDENTITY_SECRET);
  const response = await fetch(service.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions: { code: string } }> };
}

const CREATE = `mutation($input: CreatePortfolioInput!) { createPortfolio(input: $input) { id } }`;
const RECORD = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { id amount { amount currency } portfolio { holdings { symbol quantity } } } }`;

describe('the portfolio service over HTTP', () => {
  it('trusts only a gateway-signed identity header', async () => {
    const user: Identity = { userId: randomUUID(), role: 'USER' };
    const input = { name: 'HTTP', portfolioType: 'SAVINGS', baseCurrency: 'CHF' };
    expect((await post(CREATE, { input }, user)).data?.createPortfolio.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await post(CREATE, { input })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const forged = await signIdentity(user, 'a-secret-the-client-made-up-but-is-long-enough');
    expect((await post(CREATE, { input }, forged)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('validates symbols against market over HTTP and caches what it found', async () => {
    const user: Identity = { userId: randomUUID(), role: 'USER' };
    const { data } = await post(CREATE, { input: { name: 'Cached', portfolioType: 'TAXABLE', baseCurrency: 'USD' } }, user);
    const portfolioId = data?.createPortfolio.id as string;
    const buy = { portfolioId, type: 'BUY', symbol: 'MSFT', quantity: '1', price: '300', currency: 'USD', executedAt: new Date().toISOString() };
    const before = market.requests();
    const first = await post(RECORD, { input: buy }, user);
    expect(first.data?.recordTransaction.portfolio.holdings).toEqual([{ symbol: 'MSFT', quantity: '1' }]);
    await post(RECORD, { input: buy }, user);
    expect(market.requests() - before).toBe(1);
    const unknown = await post(RECORD, { input: { ...buy, symbol: 'ZZZZ' } }, user);
    expect(unknown.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('createMarketClient', () => {
  it('answers null for a symbol outside the universe', async () => {
    expect(await createMarketClient({ url: market.url }).findInstrument('NOPE')).toBeNull();
    expect(await createMarketClient({ url: market.url }).findInstrument('SAP')).toEqual({ symbol: 'SAP', currency: 'EUR', assetClass: 'STOCK' });
  });

  it('fails loudly, not as bad input, when market is unreachable', async () => {
    const down = await startFakeMarket();
    await down.close();
    await expect(createMarketClient({ url: down.url, timeoutMs: 1000 }).findInstrument('AAPL')).rejects.toMatchObject({ code: 'MARKET_UNAVAILABLE' });
  });

  it('answers auth which users granted an advisor access, only with a valid signature and only for that advisor', async () => {
    const owner: Identity = { userId: randomUUID(), role: 'USER' };
    await post(CREATE, { input: { name: 'Granted', portfolioType: 'TAXABLE', baseCurrency: 'USD' } }, owner);
    const advisorId = randomUUID();
    const ask = async (body: string, signature?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(signature ? { [INTERNAL_SIGNATURE_HEADER]: signature } : {}) };
      const response = await fetch(new URL(ADVISOR_CLIENTS_PATH, service.url), { method: 'POST', headers, body });
      return { status: response.status, body: await response.json() };
    };
    const body = JSON.stringify({ advisorId, ownerIds: [owner.userId] });
    expect((await ask(body)).status).toBe(401);
    expect((await ask(body, signInternal(body, 'a-secret-the-client-made-up-but-is-long-enough'))).status).toBe(401);
    // No grant yet: nothing, even though the owner exists.
    expect(await ask(body, signInternal(body, DEV_SECRETS.GATEWAY_IDENTITY_SECRET))).toEqual({ status: 200, body: { ownerIds: [] } });
    const bad = JSON.stringify({ advisorId: 'not-a-uuid', ownerIds: [] });
    expect((await ask(bad, signInternal(bad, DEV_SECRETS.GATEWAY_IDENTITY_SECRET))).status).toBe(400);
  });
});
