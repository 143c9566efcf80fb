import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '@nexanest/infrastructure';
import { operation } from '../support/operations.ts';
import { ADMIN_EMAIL, adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

// Every operation that reaches someone's data, run as each kind of caller. "allow" means no
// error; a code means that exact error and nothing returned. Advisor grants are not built yet:
// an advisor is checked here as a caller without a grant.
type Caller = 'anonymous' | 'owner' | 'otherUser' | 'advisor' | 'admin';
type Expected = 'allow' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

interface Row {
  name: string;
  /** Builds the request against the owner's data; called once per caller. */
  request: (ids: Ids) => Promise<{ query: string; variables: Record<string, unknown> }>;
  expect: Record<Caller, Expected>;
}

interface Ids {
  owner: { userId: string; email: string; client: GatewayClient };
  portfolioId: string;
  subjectId: string;
}

const onlyOwner: Record<Caller, Expected> = { anonymous: 'UNAUTHENTICATED', owner: 'allow', otherUser: 'NOT_FOUND', advisor: 'NOT_FOUND', admin: 'NOT_FOUND' };
const onlyAdmin: Record<Caller, Expected> = { anonymous: 'UNAUTHENTICATED', owner: 'FORBIDDEN', otherUser: 'FORBIDDEN', advisor: 'FORBIDDEN', admin: 'allow' };

const rows: Row[] = [
  {
    name: 'portfolio(id)',
    request: async (ids) => ({ query: 'query($id: ID!) { portfolio(id: $id) { id name } }', variables: { id: ids.portfolioId } }),
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
  const advisorUser = await registerUser(stack, 'advisor');
  const subject = await registerUser(stack, 'subject');
  const admin = await adminClient(stack);
  await admin.request(operation('SetUserRole'), { userId: advisorUser.userId, role: 'ADVISOR' });
  // The role change ended the advisor's session: sign in again to carry the new role.
  const relogin = await stack.client.request(operation('Login'), { email: advisorUser.email, password: advisorUser.password });
  const created = await owner.client.request(operation('CreatePortfolio'), { input: { name: 'Private', portfolioType: 'TAXABLE', baseCurrency: 'USD' } });
  ids = { owner, portfolioId: created.data?.createPortfolio.id, subjectId: subject.userId };
  callers = {
    anonymous: stack.client,
    owner: owner.client,
    otherUser: other.client,
    advisor: stack.client.withToken(relogin.data?.login.accessToken),
    admin,
  };
  expect(relogin.data?.login.user.role).toBe('ADVISOR');
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
        } else {
          expect(response.errors?.[0]?.extensions?.code).toBe(expected);
          expect(Object.values(response.data ?? {}).every((value) => value === null)).toBe(true);
        }
      });
    }
  }
});
