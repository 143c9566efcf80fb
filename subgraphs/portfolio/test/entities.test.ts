import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '@nexanest/db';
import type { Identity } from '@nexanest/graphql';
import { codeOf, createHarness, given, givenPortfolio, newUser, type Harness } from './harness.ts';

let h: Harness;
const owner = newUser();
const portfolioIds: string[] = [];

beforeAll(async () => {
  h = await createHarness();
  for (const name of ['Growth', 'Income', 'Play']) {
    const id = await givenPortfolio(h.run, owner, name);
    portfolioIds.push(id);
    await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '100000' });
    for (let i = 1; i <= 20; i++) {
      await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: `T${String(i).padStart(2, '0')}`, quantity: `${i}`, price: '10.5' });
    }
  }
});
afterAll(async () => {
  await h?.close();
});

const DASHBOARD = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on User {
      id
      portfolios {
        id name baseCurrency
        cashBalances { amount currency }
        holdings { id symbol quantity averageCost { amount currency } costBasis { amount currency } instrument { symbol } portfolio { baseCurrency } }
      }
    }
  }
}`;

/** Opens the pool's connections first: a new connection's setup queries are not the request's. */
const warmPool = async (request: () => Promise<unknown>) => {
  await Promise.all([request(), request(), request()]);
};

const dashboard = (identity: Identity | null, userId = owner.userId) => h.run(identity, DASHBOARD, { reps: [{ __typename: 'User', id: userId }] });

describe('User.portfolios', () => {
  it('lists the caller their portfolios with holdings and cash in a constant number of statements', async () => {
    await warmPool(() => dashboard(owner));
    statementCounter.reset();
    const answer = await dashboard(owner);
    const statements = statementCounter.count;
    expect(answer.errors).toBeUndefined();
    const portfolios = answer.data?._entities[0].portfolios as Array<{ name: string; holdings: unknown[]; cashBalances: unknown[] }>;
    expect(portfolios.map((p) => p.name)).toEqual(['Growth', 'Income', 'Play']);
    expect(portfolios.map((p) => p.holdings.length)).toEqual([20, 20, 20]);
    expect(portfolios[0]?.holdings[2]).toMatchObject({
      symbol: 'T03',
      quantity: '3',
      averageCost: { amount: '10.5', currency: 'USD' },
      costBasis: { amount: '31.5' },
      instrument: { symbol: 'T03' },
      portfolio: { baseCurrency: 'USD' },
    });
    // 100000 - 10.5 * (1 + ... + 20)
    expect(portfolios[0]?.cashBalances).toEqual([{ amount: '97795', currency: 'USD' }]);
    // portfolios by owner, holdings of all three, cash of all three; plus the request's
    // transaction: BEGIN, the row-level security settings, COMMIT.
    expect(statements).toBe(3 + 3);
  });
  it("answers an empty list for another user's portfolios and without an identity", async () => {
    expect((await dashboard(newUser())).data?._entities[0].portfolios).toEqual([]);
    expect((await dashboard(null)).data?._entities[0].portfolios).toEqual([]);
  });
});

describe('Query.portfolio', () => {
  const QUERY = `query($id: ID!) { portfolio(id: $id) { id name owner { id } holdings { symbol } cashBalances { currency } } }`;
  it('answers the owner', async () => {
    const answer = await h.run(owner, QUERY, { id: portfolioIds[0] });
    expect(answer.data?.portfolio).toMatchObject({ id: portfolioIds[0], name: 'Growth', owner: { id: owner.userId } });
  });
  it('answers NOT_FOUND to anyone else, exactly as for a missing portfolio', async () => {
    const other = await h.run(newUser(), QUERY, { id: portfolioIds[0] });
    const missing = await h.run(owner, QUERY, { id: '00000000-0000-4000-8000-000000000000' });
    expect(codeOf(other)).toBe('NOT_FOUND');
    expect(other.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    expect(codeOf(await h.run(owner, QUERY, { id: 'nope' }))).toBe('NOT_FOUND');
    expect(codeOf(await h.run(null, QUERY, { id: portfolioIds[0] }))).toBe('UNAUTHENTICATED');
  });
});

describe('_entities', () => {
  const ENTITIES = `query($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Portfolio { id name baseCurrency holdings { symbol quantity } cashBalances { amount currency } }
      ... on Holding { id symbol quantity costBasis { amount currency } portfolio { id baseCurrency } }
    }
  }`;

  it('resolves Portfolio and Holding representations of the caller in one statement per type', async () => {
    const [holdingRow] = await h.pool.sql`select id from holdings where portfolio_id = ${portfolioIds[1]!} and symbol = 'T05'`;
    const reps = [...portfolioIds.map((id) => ({ __typename: 'Portfolio', id })), { __typename: 'Holding', id: holdingRow?.id }];
    await warmPool(() => h.run(owner, ENTITIES, { reps }));
    statementCounter.reset();
    const answer = await h.run(owner, ENTITIES, { reps });
    expect(answer.errors).toBeUndefined();
    const entities = answer.data?._entities as Array<Record<string, any>>;
    expect(entities.slice(0, 3).map((e) => e.name)).toEqual(['Growth', 'Income', 'Play']);
    expect(entities[0]?.holdings).toHaveLength(20);
    expect(entities[3]).toMatchObject({
      symbol: 'T05',
      quantity: '5',
      costBasis: { amount: '52.5', currency: 'USD' },
      portfolio: { id: portfolioIds[1], baseCurrency: 'USD' },
    });
    // portfolios, holding by id, holdings of the three portfolios, cash of the three.
    // ... plus BEGIN, the row-level security settings and COMMIT of the request's transaction.
    expect(statementCounter.count).toBe(4 + 3);
  });

  it("answers null for another user's representations", async () => {
    const [holdingRow] = await h.pool.sql`select id from holdings limit 1`;
    const answer = await h.run(newUser(), ENTITIES, {
      reps: [
        { __typename: 'Portfolio', id: portfolioIds[0] },
        { __typename: 'Holding', id: holdingRow?.id },
      ],
    });
    expect(answer.data?._entities).toEqual([null, null]);
  });
});
