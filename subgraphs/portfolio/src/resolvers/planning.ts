import { money, requireScope, type Money, type MarketClient } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { AllocationRuleRow, GoalRow, PortfolioRow } from '../db/schema/index.ts';
import { createGoal, setAllocationRule, type CreateGoalInput, type SetAllocationRuleInput } from '../services/planning.ts';

async function portfolioOf(row: { portfolioId: string }, _args: unknown, ctx: Context): Promise<PortfolioRow> {
  const portfolio = await ctx.loaders.portfolioById.load(row.portfolioId);
  // Goals and rules are only ever loaded for readable portfolios, so this is a broken invariant.
  if (!portfolio) throw new Error(`portfolio ${row.portfolioId} is not visible`);
  return portfolio;
}

export const goalResolvers = {
  __resolveReference: (ref: { id: string }, ctx: Context): Promise<GoalRow | null> => ctx.loaders.goalById.load(ref.id),
  targetAmount: (goal: GoalRow): Money => money(goal.targetAmount, goal.currency),
  portfolio: portfolioOf,
};

export const allocationRuleResolvers = {
  __resolveReference: (ref: { id: string }, ctx: Context): Promise<AllocationRuleRow | null> => ctx.loaders.ruleById.load(ref.id),
  targetWeight: (rule: AllocationRuleRow): number => Number(rule.targetWeight),
  tolerance: (rule: AllocationRuleRow): number => Number(rule.tolerance),
  portfolio: portfolioOf,
};

/** Portfolio.goals and Portfolio.allocationRules: the portfolio was read through the caller's scope. */
export const portfolioPlanningResolvers = {
  goals: (portfolio: PortfolioRow, _args: unknown, ctx: Context): Promise<GoalRow[]> => ctx.loaders.goalsByPortfolio.load(portfolio.id),
  allocationRules: (portfolio: PortfolioRow, _args: unknown, ctx: Context): Promise<AllocationRuleRow[]> => ctx.loaders.rulesByPortfolio.load(portfolio.id),
};

export function createPlanningMutationResolvers(deps: { market: MarketClient; now?: () => Date }) {
  return {
    async createGoal(_parent: unknown, args: { input: CreateGoalInput }, ctx: Context): Promise<GoalRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await createGoal(await ctx.db(), identity, args.input, (deps.now ?? (() => new Date()))());
      ctx.loaders.goalsByPortfolio.clear(row.portfolioId);
      ctx.cache.changed({ portfolioId: row.portfolioId });
      return row;
    },
    async setAllocationRule(_parent: unknown, args: { input: SetAllocationRuleInput }, ctx: Context): Promise<AllocationRuleRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await setAllocationRule(await ctx.db(), deps.market, identity, args.input);
      ctx.loaders.rulesByPortfolio.clear(row.portfolioId);
      ctx.cache.changed({ portfolioId: row.portfolioId });
      return row;
    },
  };
}
