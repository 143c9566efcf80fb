import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '@nexanest/infrastructure';
import { operation } from '../support/operations.ts';
import { ADMIN_EMAIL, adminClient, registerAdvisor, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

// Every operation that reaches someone's data, run as each kind of caller. "allow" means no
// error (and, where a row says so, exactly the data that caller may see); a code means that
// exact error and nothing returned. The owner granted `advisorWithGrant` read access to the
// portfolio; `advisor` is an ADVISOR without a grant.
type Caller = 'anonymous' | 'owner' | 'otherUser' | 'advisor' | 'advisorWithGrant' | 'admin';
type Expected = 'allow' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

interface Row {
  name: string;
  /** Builds the request against the owner's data; called once per caller. */
  request: (ids: Ids) => Promise<{ query: string; variables: Record<string, unknown> }>;
  expect: Record<Caller, Expected>;
  /** For allowed cells: what this caller must see. */
  sees?: (data: any, caller: Caller, ids: Ids) => void;
}

interface Ids {
  owner: { userId: string; email: string; client: GatewayClient };
  portfolioId: string;
  subjectId: string;
  /** An advisor no cell runs as: the grant and revoke rows name them, so no caller's access changes. */
  spareAdvisorEmail: string;
}

const onlyOwner: Record<Caller, Expected> = {
  anonymous: 'UNAUTHENTICATED',
  owner: 'allow',
  otherUser: 'NOT_FOUND',
  advisor: 'NOT_FOUND',
  advisorWithGrant: 'NOT_FOUND',
  admin: 'NOT_FOUND',
};
const ownerAndGrantedAdvisor: Record<Caller, Expected> = { ...onlyOwner, advisorWithGrant: 'allow' };
const onlyAdmin: Record<Caller, Expected> = {
  anonymous: 'UNAUTHENTICATED',
  owner: 'FORBIDDEN',
  otherUser: 'FORBIDDEN',
  advisor: 'FORBIDDEN',
  advisorWithGrant: 'FORBIDDEN',
  admin: 'allow',
};
const anySignedIn: Record<Caller, Expected> = {
  anonymous: 'UNAUTHENTICATED',
  owner: 'allow',
  otherUser: 'allow',
  advisor: 'allow',
  advisorWithGrant: 'allow',
  admin: 'allow',
};

const rows: Row[] = [
  {
    name: 'portfolio(id)',
    request: async (ids) => ({ query: 'query($id: ID!) { portfolio(id: $id) { id name } }', variables: { id: ids.portfolioId } }),
    expect: ownerAndGrantedAdvisor,
  },
  {
    name: 'portfolio(id) holdings and cash',
    request: async (ids) => ({
      query: 'query($id: ID!) { portfolio(id: $id) { holdings { symbol quantity } cashBalances { amount currency } owner { email } } }',
      variables: { id: ids.portfolioId },
    }),
    expect: ownerAndGrantedAdvisor,
    sees: (data, _caller, ids) => {
      expect(data.portfolio.holdings).toEqual([{ symbol: 'AAPL', quantity: '3' }]);
      expect(data.portfolio.owner.email).toBe(ids.owner.email);
    },
  },
  {
    name: 'AdvisorClients',
    request: async () => ({ query: operation('AdvisorClients'), variables: {} }),
    expect: anySignedIn,
    sees: (data, caller, ids) => {
      const expected = caller === 'advisorWithGrant' ? [{ id: ids.portfolioId, email: ids.owner.email }] : [];
      expect(data.me.clientPortfolios.map((p: any) => ({ id: p.id, email: p.owner.email }))).toEqual(expected);
    },
  },
  {
    name: 'GrantPortfolioAccess',
    request: async (ids) => ({ query: operation('GrantPortfolioAccess'), variables: { portfolioId: ids.portfolioId, advisorEmail: ids.spareAdvisorEmail } }),
    expect: onlyOwner,
  },
  {
    name: 'RevokePortfolioAccess',
    request: async (ids) => ({ query: operation('RevokePortfolioAccess'), variables: { portfolioId: ids.portfolioId, advisorEmail: ids.spareAdvisorEmail } }),
    expect: onlyOwner,
  },
  {
    name: 'RecordTransaction',
    request: async (ids) => ({
      query: operation('RecordTransaction'),
      variables: {
        input: { portfolioId: ids.portfolioId, type: 'DEPOSIT', amount: '1', currency: 'USD', executedAt: new Date(Date.now() - 60_000).toISOString() },
      },
    }),
    expect: onlyOwner,
  },
  {
    name: 'RevokeApiKey',
    request: async (ids) => {
      const created = await ids.owner.client.request(operation('CreateApiKey'), { input: { name: 'matrix', scopes: ['portfolio:read'] } });
      return { query: operation('RevokeApiKey'), variables: { id: created.data?.createApiKey.apiKey.id } };
    },
    expect: onlyOwner,
  },
  { name: 'AdminUsers', request: async () => ({ query: operation('AdminUsers'), variables: { first: 5 } }), expect: onlyAdmin },
  { name: 'SetUserRole', request: async (ids) => ({ query: operation('SetUserRole'), variables: { userId: ids.subjectId, role: 'USER' } }), expect: onlyAdmin },
  { name: 'OutboundEmails', request: async (ids) => ({ query: operation('OutboundEmails'), variables: { to: ids.owner.email } }), expect: onlyAdmin },
  {
    name: 'PortfolioDetail',
    request: async (ids) => ({
      query: operation('PortfolioDetail'),
      variables: { id: ids.portfolioId, from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date().toISOString() },
    }),
    expect: ownerAndGrantedAdvisor,
    sees: (data) => expect(data.portfolio.holdings).toEqual([expect.objectContaining({ symbol: 'AAPL', quantity: '3' })]),
  },
  {
    name: 'RebalancePlan',
    request: async (ids) => ({ query: operation('RebalancePlan'), variables: { portfolioId: ids.portfolioId } }),
    expect: ownerAndGrantedAdvisor,
  },
  {
    name: 'UpdatePortfolio',
    request: async (ids) => ({ query: operation('UpdatePortfolio'), variables: { id: ids.portfolioId, input: { description: 'matrix' } } }),
    expect: onlyOwner,
  },
  {
    name: 'ArchivePortfolio',
    // A throwaway portfolio of the owner's each time: archiving the shared one would change later rows.
    request: async (ids) => {
      const created = await ids.owner.client.request(operation('CreatePortfolio'), {
        input: { name: 'Archive me', portfolioType: 'OTHER', baseCurrency: 'USD' },
      });
      return { query: operation('ArchivePortfolio'), variables: { id: created.data?.createPortfolio.id } };
    },
    expect: onlyOwner,
  },
  {
    name: 'DeleteTransaction',
    request: async (ids) => {
      const recorded = await ids.owner.client.request(operation('RecordTransaction'), {
        input: { portfolioId: ids.portfolioId, type: 'DEPOSIT', amount: '5', currency: 'USD', executedAt: new Date(Date.now() - 60_000).toISOString() },
      });
      return { query: operation('DeleteTransaction'), variables: { id: recorded.data?.recordTransaction.id } };
    },
    expect: onlyOwner,
  },
  {
    name: 'SetPortfolioBenchmark',
    request: async (ids) => ({ query: operation('SetPortfolioBenchmark'), variables: { portfolioId: ids.portfolioId, symbol: 'SPY' } }),
    expect: onlyOwner,
  },
  {
    name: 'CreateGoal',
    request: async (ids) => ({
      query: operation('CreateGoal'),
      variables: {
        input: { portfolioId: ids.portfolioId, name: 'House', targetAmount: '100000', targetDate: new Date(Date.now() + 365 * 86_400_000).toISOString() },
      },
    }),
    expect: onlyOwner,
  },
  {
    name: 'SetAllocationRule',
    request: async (ids) => ({
      query: operation('SetAllocationRule'),
      variables: { input: { portfolioId: ids.portfolioId, dimension: 'SYMBOL', key: 'AAPL', targetWeight: 0.5, tolerance: 0.05 } },
    }),
    expect: onlyOwner,
  },
  {
    name: 'AddWatchlistItem',
    request: async (ids) => ({ query: operation('AddWatchlistItem'), variables: { watchlistId: await ownerWatchlist(ids), symbol: 'MSFT' } }),
    expect: onlyOwner,
  },
  {
    name: 'Watchlists',
    request: async () => ({ query: operation('Watchlists'), variables: {} }),
    expect: anySignedIn,
    // Everyone sees their own lists only: only the owner has one.
    sees: (data, caller) => {
      if (caller !== 'owner') expect(data.me.watchlists).toEqual([]);
    },
  },
  {
    name: 'PerformanceSeries',
    request: async (ids) => ({ query: operation('PerformanceSeries'), variables: { id: ids.portfolioId } }),
    expect: ownerAndGrantedAdvisor,
  },
  {
    name: 'portfolio(id) performance and risk',
    request: async (ids) => ({
      query: 'query($id: ID!) { portfolio(id: $id) { performance(range: ONE_MONTH) { benchmarkSymbol } riskMetrics(window: ONE_MONTH) { volatility } } }',
      variables: { id: ids.portfolioId },
    }),
    expect: ownerAndGrantedAdvisor,
    sees: (data) => expect(data.portfolio.performance.benchmarkSymbol).toBe('SPY'),
  },
  {
    name: 'Notifications',
    request: async () => ({ query: operation('Notifications'), variables: {} }),
    expect: anySignedIn,
    // Each caller sees their own list: only the owner has notifications (price alerts fired).
    sees: (data, caller) => {
      if (caller !== 'owner') expect(data.me.notifications.totalCount).toBe(0);
    },
  },
  {
    name: 'MarkNotificationRead',
    request: async (ids) => ({ query: operation('MarkNotificationRead'), variables: { id: await ownerNotification(ids) } }),
    expect: onlyOwner,
  },
  {
    name: 'deactivatePriceAlert',
    request: async (ids) => ({ query: 'mutation($id: ID!) { deactivatePriceAlert(id: $id) { id active } }', variables: { id: await ownerAlert(ids) } }),
    expect: onlyOwner,
  },
  {
    name: 'deletePriceAlert',
    request: async (ids) => ({ query: 'mutation($id: ID!) { deletePriceAlert(id: $id) }', variables: { id: await ownerAlert(ids) } }),
    expect: onlyOwner,
  },
];

let watchlistCount = 0;
/** A fresh watchlist of the owner's. */
async function ownerWatchlist(ids: Ids): Promise<string> {
  watchlistCount += 1;
  const created = await ids.owner.client.request(operation('CreateWatchlist'), { name: `Matrix ${watchlistCount}` });
  const id = created.data?.createWatchlist.id;
  if (!id) throw new Error(`createWatchlist failed: ${JSON.stringify(created.errors)}`);
  return id;
}

/** A fresh price alert of the owner's, above the latest AGG price (each one higher than the last). */
let alertLevel = 1_000_000;
async function ownerAlert(ids: Ids): Promise<string> {
  alertLevel += 10;
  const created = await ids.owner.client.request(operation('CreatePriceAlert'), {
    input: { symbol: 'AGG', condition: 'ABOVE', threshold: String(alertLevel) },
  });
  return created.data?.createPriceAlert.id;
}

/** A fresh notification of the owner's: an alert of theirs fires on an ingested tick. */
let lastTick = 0;
async function ownerNotification(ids: Ids): Promise<string> {
  const alertId = await ownerAlert(ids);
  lastTick = Math.max(Date.now() - 1, lastTick + 1);
  const admin = await adminClient(stack);
  await admin.request(operation('IngestPrices'), { ticks: [{ symbol: 'AGG', price: String(alertLevel + 1), time: new Date(lastTick).toISOString() }] });
  for (let attempt = 0; attempt < 100; attempt++) {
    const list = await ids.owner.client.request(operation('Notifications'));
    const edge = list.data?.me.notifications.edges.find((e: { node: { data: { alertId?: string } } }) => e.node.data.alertId === alertId);
    if (edge) return edge.node.id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the price alert did not fire');
}

let stack: TestStack;
let ids: Ids;
let callers: Record<Caller, GatewayClient>;

beforeAll(async () => {
  stack = await startTestStack();
  const owner = await registerUser(stack, 'owner');
  const other = await registerUser(stack, 'other');
  const subject = await registerUser(stack, 'subject');
  const admin = await adminClient(stack);
  const advisor = await registerAdvisor(stack, admin, 'advisor');
  const grantedAdvisor = await registerAdvisor(stack, admin, 'granted');
  const spareAdvisor = await registerAdvisor(stack, admin, 'spare');
  const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Private', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
  const portfolioId = created.data?.createPortfolio.id;
  const bought = await owner.client.request(operation('RecordTransaction'), {
    input: { portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '3', price: '100', currency: 'USD', executedAt: new Date(Date.now() - 120_000).toISOString() },
  });
  expect(bought.errors).toBeUndefined();
  const granted = await owner.client.request(operation('GrantPortfolioAccess'), { portfolioId, advisorEmail: grantedAdvisor.email });
  expect(granted.data?.grantPortfolioAccess.id).toBe(portfolioId);
  ids = { owner, portfolioId, subjectId: subject.userId, spareAdvisorEmail: spareAdvisor.email };
  callers = {
    anonymous: stack.client,
    owner: owner.client,
    otherUser: other.client,
    advisor: advisor.client,
    advisorWithGrant: grantedAdvisor.client,
    admin,
  };
  expect(ADMIN_EMAIL).toBe('admin@nexanest.local');
});
afterAll(async () => {
  await stack?.teardown();
});

describe('authorization matrix', () => {
  for (const row of rows) {
    for (const caller of Object.keys(row.expect) as Caller[]) {
      const expected = row.expect[caller];
      it(`${row.name} as ${caller}: ${expected}`, async () => {
        const { query, variables } = await row.request(ids);
        const response = await callers[caller].request(query, variables);
        if (expected === 'allow') {
          expect(response.errors).toBeUndefined();
          expect(response.data).toBeTruthy();
          row.sees?.(response.data, caller, ids);
        } else {
          expect(response.errors?.[0]?.extensions?.code).toBe(expected);
          expect(Object.values(response.data ?? {}).every((value) => value === null)).toBe(true);
        }
      });
    }
  }
});
