import { and, asc, eq, gt, inArray, isNull, ne, type SQL } from 'drizzle-orm';
import type { GoalFacts, Logger, MarketClient } from '@nexanest/graphql';
import type { PortfolioCache } from '../cache/portfolio-cache.ts';
import type { PortfolioDb } from '../db/index.ts';
import { cashBalances, goals, holdings, portfolios, type GoalRow } from '../db/schema/index.ts';
import { dec } from '../domain/index.ts';
import { enqueueEvent, GOAL_REACHED } from '../events/outbox.ts';

/** Goals valued per call to market (one entity fetch each). */
export const GOALS_PER_BATCH = 100;

export interface GoalEvaluator {
  /** Values the unreached goals of these portfolios; returns how many it marked reached. */
  evaluatePortfolios(portfolioIds: readonly string[]): Promise<number>;
  /** Values the unreached goals of every portfolio holding any of these symbols (they ticked). */
  evaluateHolders(symbols: readonly string[]): Promise<number>;
  /** Values every unreached goal, GOALS_PER_BATCH at a time (the periodic sweep that follows prices). */
  evaluateAll(): Promise<number>;
  /** Whether the portfolio still has a goal not reached (only then are its symbols' ticks worth hearing). */
  hasUnreachedGoals(portfolioId: string): Promise<boolean>;
}

/**
 * Decides that goals are reached. A goal is reached when market's `Goal.currentValue` (the value
 * `Goal.progress` divides by the target: holdings at the latest prices plus cash, at the latest FX
 * rates, in the goal's currency, rounded to 4 places like every valuation on the wire, so like the
 * portfolio's totalValue the owner sees) is at least its target amount, compared as decimals. Its
 * `reached_at` is set and `goal.reached` written to the outbox in one transaction, and only while
 * `reached_at` is still null: so the event is written once per goal, however many evaluators run
 * at once, and a goal whose value falls back below and rises again is not reached a second time.
 * Runs on the owner's connection: the system acts here, not a user (row-level security does not apply).
 * A goal marked reached bumps its portfolio's generation in the portfolio cache after the commit,
 * so the owner's next read shows `reachedAt`.
 */
export function createGoalEvaluator(deps: { db: PortfolioDb; market: MarketClient; logger: Logger; cache: PortfolioCache | null }): GoalEvaluator {
  const { db, market, logger, cache } = deps;

  async function forgetCached(portfolioId: string): Promise<void> {
    try {
      await cache?.invalidate({ portfolios: [portfolioId], owners: [] });
    } catch (error) {
      // The mark is committed; the cached goals it should have hidden expire with their TTL.
      logger.error({ err: { message: (error as Error).message } }, 'portfolio cache invalidation failed after a goal was reached');
    }
  }

  /** What market needs of each goal: its target and its portfolio's non-zero holdings and cash, read now. */
  async function factsOf(rows: readonly GoalRow[]): Promise<{ facts: GoalFacts[]; ownerOf: Map<string, string> }> {
    const ids = [...new Set(rows.map((goal) => goal.portfolioId))];
    const [owners, held, cash] = await Promise.all([
      db.select({ id: portfolios.id, ownerId: portfolios.ownerId, baseCurrency: portfolios.baseCurrency }).from(portfolios).where(inArray(portfolios.id, ids)),
      db
        .select({ portfolioId: holdings.portfolioId, symbol: holdings.symbol, quantity: holdings.quantity })
        .from(holdings)
        .where(and(inArray(holdings.portfolioId, ids), ne(holdings.quantity, '0'))),
      db
        .select({ portfolioId: cashBalances.portfolioId, currency: cashBalances.currency, amount: cashBalances.amount })
        .from(cashBalances)
        .where(and(inArray(cashBalances.portfolioId, ids), ne(cashBalances.amount, '0'))),
    ]);
    const portfolioOf = new Map(owners.map((row) => [row.id, row]));
    const facts = rows.flatMap((goal): GoalFacts[] => {
      const portfolio = portfolioOf.get(goal.portfolioId);
      if (!portfolio) return []; // deleted meanwhile (erasure): its goals went with it
      return [
        {
          id: goal.id,
          targetAmount: { amount: goal.targetAmount, currency: goal.currency },
          portfolio: {
            baseCurrency: portfolio.baseCurrency,
            holdings: held.filter((row) => row.portfolioId === goal.portfolioId).map(({ symbol, quantity }) => ({ symbol, quantity })),
            cashBalances: cash.filter((row) => row.portfolioId === goal.portfolioId).map(({ amount, currency }) => ({ amount, currency })),
          },
        },
      ];
    });
    return { facts, ownerOf: new Map(owners.map((row) => [row.id, row.ownerId])) };
  }

  /** Marks the goal reached and writes goal.reached, unless another evaluator did first. */
  async function markReached(goal: GoalRow, userId: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      const [marked] = await tx
        .update(goals)
        .set({ reachedAt: new Date() })
        .where(and(eq(goals.id, goal.id), isNull(goals.reachedAt)))
        .returning({ id: goals.id });
      if (!marked) return false;
      await enqueueEvent(tx, GOAL_REACHED, { userId, goalId: goal.id, portfolioId: goal.portfolioId, name: goal.name });
      return true;
    });
  }

  async function evaluate(rows: readonly GoalRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { facts, ownerOf } = await factsOf(rows);
    const values = await market.goalValues(facts);
    const byId = new Map(rows.map((goal) => [goal.id, goal]));
    let reached = 0;
    for (const [index, value] of values.entries()) {
      const goal = byId.get(facts[index]!.id)!;
      if (value === null || dec(value).lt(dec(goal.targetAmount))) continue;
      if (!(await markReached(goal, ownerOf.get(goal.portfolioId)!))) continue;
      reached += 1;
      await forgetCached(goal.portfolioId);
    }
    if (reached > 0) logger.info({ goals: reached }, 'goals reached');
    return reached;
  }

  const unreached = (after: string | null, which?: SQL) =>
    db
      .select()
      .from(goals)
      .where(and(isNull(goals.reachedAt), after ? gt(goals.id, after) : undefined, which))
      .orderBy(asc(goals.id))
      .limit(GOALS_PER_BATCH);

  /** Values the unreached goals `which` selects (all without it), GOALS_PER_BATCH at a time. */
  async function sweep(which?: SQL): Promise<number> {
    let total = 0;
    let after: string | null = null;
    for (;;) {
      const rows = await unreached(after, which);
      total += await evaluate(rows);
      if (rows.length < GOALS_PER_BATCH) return total;
      after = rows[rows.length - 1]!.id;
    }
  }

  return {
    evaluatePortfolios: async (portfolioIds) => (portfolioIds.length === 0 ? 0 : sweep(inArray(goals.portfolioId, [...portfolioIds]))),
    async evaluateHolders(symbols) {
      if (symbols.length === 0) return 0;
      const holders = db
        .select({ portfolioId: holdings.portfolioId })
        .from(holdings)
        .where(and(inArray(holdings.symbol, [...symbols]), ne(holdings.quantity, '0')));
      return sweep(inArray(goals.portfolioId, holders));
    },
    evaluateAll: () => sweep(),
    async hasUnreachedGoals(portfolioId) {
      const [row] = await db
        .select({ id: goals.id })
        .from(goals)
        .where(and(eq(goals.portfolioId, portfolioId), isNull(goals.reachedAt)))
        .limit(1);
      return row !== undefined;
    },
  };
}
