import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '@nexanest/db';
import { createHarness, given, givenPortfolio, newUser, type Harness } from './harness.ts';

/**
 * The part of PortfolioDetail (and the representations market's @requires need) that the
 * portfolio subgraph answers costs the same number of statements whatever the number of holdings.
 */
let h: Harness;
const owner = newUser();
const portfolios: Record<'small' | 'large', string> = { small: '', large: '' };

async function givenPlannedPortfolio(name: string, holdings: number): Promise<string> {
  const id = await givenPortfolio(h.run, owner, name);
  await given(h.run, owner, { portfolioId: id, type: 'DEPOSIT', amount: '100000' });
  for (let i = 1; i <= holdings; i++)
    await given(h.run, owner, { portfolioId: id, type: 'BUY', symbol: `T${String(i).padStart(2, '0')}`, quantity: '1', price: '10' });
  const targetDate = new Date(Date.now() + 86_400_000).toISOString();
  await h.run(owner, `mutation($p: ID!, $d: DateTime!) { createGoal(input: { portfolioId: $p, name: "G", targetAmount: "1000", targetDate: $d }) { id } }`, {
    p: id,
    d: targetDate,
  });
  for (const key of ['T01', 'T02']) {
    await h.run(
      owner,
      `mutation($p: ID!, $k: String!) { setAllocationRule(input: { portfolioId: $p, dimension: SYMBOL, key: $k, targetWeight: 0.1, tolerance: 0.05 }) { id } }`,
      {
        p: id,
        k: key,
      },
    );
  }
  return id;
}

beforeAll(async () => {
  h = await createHarness();
  portfolios.small = await givenPlannedPortfolio('Small', 2);
  portfolios.large = await givenPlannedPortfolio('Large', 20);
});
afterAll(async () => {
  await h?.close();
});

const DETAIL = `query($id: ID!) { portfolio(id: $id) {
  id name baseCurrency owner { id }
  cashBalances { amount currency }
  holdings { symbol quantity costBasis { amount currency } portfolio { baseCurrency holdings { symbol quantity } } }
  transactions(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type symbol } } }
  goals { id name targetAmount { amount currency } targetDate portfolio { baseCurrency holdings { symbol quantity } cashBalances { amount currency } } }
  allocationRules { id dimension key targetWeight tolerance portfolio { baseCurrency holdings { symbol quantity } } }
} }`;

async function statementsFor(id: string) {
  await Promise.all([h.run(owner, DETAIL, { id }), h.run(owner, DETAIL, { id }), h.run(owner, DETAIL, { id })]);
  statementCounter.reset();
  const answer = await h.run(owner, DETAIL, { id });
  expect(answer.errors).toBeUndefined();
  return { answer, statements: statementCounter.count };
}

describe('PortfolioDetail in the portfolio subgraph', () => {
  it('costs the same statements for 20 holdings as for 2', async () => {
    const small = await statementsFor(portfolios.small);
    const large = await statementsFor(portfolios.large);
    expect(large.answer.data?.portfolio.holdings).toHaveLength(20);
    expect(large.answer.data?.portfolio.goals).toHaveLength(1);
    expect(large.answer.data?.portfolio.allocationRules).toHaveLength(2);
    // portfolio, holdings, cash, ledger page, ledger count, goals, rules; BEGIN, settings, COMMIT.
    expect(large.statements).toBe(7 + 3);
    expect(small.statements).toBe(large.statements);
  });
});
