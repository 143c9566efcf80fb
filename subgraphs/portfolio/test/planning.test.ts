import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createHarness, CREATE_PORTFOLIO, givenPortfolio, newUser, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const CREATE_GOAL = `mutation($input: CreateGoalInput!) { createGoal(input: $input) { id name targetAmount { amount currency } targetDate portfolio { id } } }`;
const SET_RULE = `mutation($input: SetAllocationRuleInput!) { setAllocationRule(input: $input) { id dimension key targetWeight tolerance } }`;
const PLANS = `query($id: ID!) { portfolio(id: $id) { goals { name targetAmount { amount currency } } allocationRules { dimension key targetWeight tolerance } } }`;
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

const rule = (portfolioId: string, dimension: string, key: string, targetWeight: number, tolerance = 0.05) => ({
  input: { portfolioId, dimension, key, targetWeight, tolerance },
});
const counts = async () => ({
  goals: Number((await h.pool.sql`select count(*)::int as n from goals`)[0]?.n),
  rules: Number((await h.pool.sql`select count(*)::int as n from allocation_rules`)[0]?.n),
});

describe('createGoal', () => {
  it("sets a goal in the portfolio's base currency and lists it", async () => {
    const owner = newUser();
    const created = await h.run<{ createPortfolio: { id: string } }>(owner, CREATE_PORTFOLIO, {
      input: { name: 'Euro', portfolioType: 'SAVINGS', baseCurrency: 'EUR' },
    });
    const id = created.data?.createPortfolio.id as string;
    const targetDate = inAYear();
    const answer = await h.run(owner, CREATE_GOAL, { input: { portfolioId: id, name: ' House ', targetAmount: '250000.50', targetDate } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.createGoal).toMatchObject({ name: 'House', targetAmount: { amount: '250000.5', currency: 'EUR' }, portfolio: { id } });
    expect(answer.data?.createGoal.targetDate).toBe(new Date(targetDate).toISOString());
    expect((await h.run(owner, PLANS, { id })).data?.portfolio.goals).toEqual([{ name: 'House', targetAmount: { amount: '250000.5', currency: 'EUR' } }]);
  });

  it('refuses a non-positive amount, a past date and a blank name, writing nothing', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const before = await counts();
    for (const input of [
      { name: 'x', targetAmount: '0', targetDate: inAYear() },
      { name: 'x', targetAmount: '-5', targetDate: inAYear() },
      { name: 'x', targetAmount: '5', targetDate: new Date(Date.now() - 60_000).toISOString() },
      { name: '  ', targetAmount: '5', targetDate: inAYear() },
    ]) {
      expect(codeOf(await h.run(owner, CREATE_GOAL, { input: { portfolioId: id, ...input } })), JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
    expect(await counts()).toEqual(before);
  });
});

describe('setAllocationRule', () => {
  it('creates a rule per dimension and key, and replaces it when set again', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const first = await h.run(owner, SET_RULE, rule(id, 'ASSET_CLASS', 'stock', 0.6, 0.05));
    expect(first.errors).toBeUndefined();
    expect(first.data?.setAllocationRule).toMatchObject({ dimension: 'ASSET_CLASS', key: 'STOCK', targetWeight: 0.6, tolerance: 0.05 });
    await h.run(owner, SET_RULE, rule(id, 'ASSET_CLASS', 'ETF', 0.4, 0.1));
    await h.run(owner, SET_RULE, rule(id, 'SECTOR', 'Information Technology', 0.3));
    const again = await h.run(owner, SET_RULE, rule(id, 'ASSET_CLASS', 'STOCK', 0.55, 0.02));
    expect(again.data?.setAllocationRule).toEqual({
      id: first.data?.setAllocationRule.id,
      dimension: 'ASSET_CLASS',
      key: 'STOCK',
      targetWeight: 0.55,
      tolerance: 0.02,
    });
    const sector = await h.run(owner, SET_RULE, rule(id, 'SECTOR', 'information technology', 0.25));
    expect(sector.data?.setAllocationRule).toMatchObject({ key: 'information technology', targetWeight: 0.25 });
    expect((await h.run(owner, PLANS, { id })).data?.portfolio.allocationRules).toEqual([
      { dimension: 'ASSET_CLASS', key: 'ETF', targetWeight: 0.4, tolerance: 0.1 },
      { dimension: 'ASSET_CLASS', key: 'STOCK', targetWeight: 0.55, tolerance: 0.02 },
      { dimension: 'SECTOR', key: 'information technology', targetWeight: 0.25, tolerance: 0.05 },
    ]);
  });

  it('refuses weights outside [0, 1], targets over 1 in a dimension, and unknown keys, writing nothing', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    await h.run(owner, SET_RULE, rule(id, 'SYMBOL', 'AAPL', 0.7));
    const before = await counts();
    for (const [dimension, key, weight, tolerance] of [
      ['SYMBOL', 'MSFT', 1.2, 0.05],
      ['SYMBOL', 'MSFT', -0.1, 0.05],
      ['SYMBOL', 'MSFT', 0.1, 1.5],
      ['SYMBOL', 'MSFT', 0.31, 0.05],
      ['SYMBOL', 'NOPE', 0.1, 0.05],
      ['CURRENCY', 'XXX', 0.1, 0.05],
      ['COUNTRY', 'USA', 0.1, 0.05],
      ['ASSET_CLASS', 'BOND', 0.1, 0.05],
    ] as const) {
      const answer = await h.run(owner, SET_RULE, rule(id, dimension, key, weight, tolerance));
      expect(codeOf(answer), `${dimension} ${key} ${weight} ${tolerance}`).toBe('BAD_USER_INPUT');
    }
    expect(await counts()).toEqual(before);
    // Exactly 1 in total is fine, and replacing a rule counts its new target only.
    expect((await h.run(owner, SET_RULE, rule(id, 'SYMBOL', 'MSFT', 0.3))).errors).toBeUndefined();
    expect((await h.run(owner, SET_RULE, rule(id, 'SYMBOL', 'AAPL', 0.7, 0.1))).errors).toBeUndefined();
  });
});

describe('concurrent rules', () => {
  it('lets only one of two concurrent rules through when together they would promise more than 1', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const replica = h.replica();
    const answers = await Promise.all([h.run(owner, SET_RULE, rule(id, 'SYMBOL', 'AAPL', 0.6)), replica.run(owner, SET_RULE, rule(id, 'SYMBOL', 'MSFT', 0.6))]);
    expect(answers.map((answer) => (answer.errors ? codeOf(answer) : 'ok')).sort()).toEqual(['BAD_USER_INPUT', 'ok']);
    const [row] = await h.pool.sql`select count(*)::int as n, sum(target_weight)::text as total from allocation_rules where portfolio_id = ${id}`;
    expect(row).toEqual({ n: 1, total: '0.6' });
  });
});

describe("another user's portfolio", () => {
  it('answers NOT_FOUND to createGoal and setAllocationRule, for an advisor too, and writes nothing', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const advisor = { userId: randomUUID(), role: 'ADVISOR' as const };
    await h.pool.sql`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${id}, ${owner.userId}, ${advisor.userId})`;
    await h.run(owner, CREATE_GOAL, { input: { portfolioId: id, name: 'Mine', targetAmount: '10', targetDate: inAYear() } });
    const before = await counts();
    for (const caller of [newUser(), advisor]) {
      expect(codeOf(await h.run(caller, CREATE_GOAL, { input: { portfolioId: id, name: 'x', targetAmount: '10', targetDate: inAYear() } }))).toBe('NOT_FOUND');
      expect(codeOf(await h.run(caller, SET_RULE, rule(id, 'SYMBOL', 'AAPL', 0.5)))).toBe('NOT_FOUND');
    }
    expect(await counts()).toEqual(before);
    // The advisor reads the granted portfolio's goals; a stranger reads nothing.
    expect((await h.run(advisor, PLANS, { id })).data?.portfolio.goals).toEqual([{ name: 'Mine', targetAmount: { amount: '10', currency: 'USD' } }]);
    expect(codeOf(await h.run(newUser(), PLANS, { id }))).toBe('NOT_FOUND');
  });

  it('resolves Goal and AllocationRule references only for readable portfolios', async () => {
    const owner = newUser();
    const id = await givenPortfolio(h.run, owner);
    const goal = await h.run(owner, CREATE_GOAL, { input: { portfolioId: id, name: 'G', targetAmount: '10', targetDate: inAYear() } });
    const ruleAnswer = await h.run(owner, SET_RULE, rule(id, 'SYMBOL', 'AAPL', 0.5));
    const reps = [
      { __typename: 'Goal', id: goal.data?.createGoal.id },
      { __typename: 'AllocationRule', id: ruleAnswer.data?.setAllocationRule.id },
    ];
    const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Goal { name } ... on AllocationRule { key } } }`;
    expect((await h.run(owner, ENTITIES, { reps })).data?._entities).toEqual([{ name: 'G' }, { key: 'AAPL' }]);
    expect((await h.run(newUser(), ENTITIES, { reps })).data?._entities).toEqual([null, null]);
  });
});
