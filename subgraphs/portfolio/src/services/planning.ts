import { and, eq, sql } from 'drizzle-orm';
import type { Decimal } from 'decimal.js';
import { badInput, type Identity, type MarketClient } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { allocationRules, goals, type AllocationRuleRow, type GoalRow } from '../db/schema/index.ts';
import { checkTargetsFit, dec, fractionOf, normalizeRuleKey, type AllocationDimension } from '../domain/index.ts';
import { lockOwnedPortfolio } from './portfolio-lock.ts';
import { ruled } from './ruled.ts';

export const GOAL_NAME_MAX = 100;

export interface CreateGoalInput {
  portfolioId: string;
  name: string;
  targetAmount: Decimal;
  targetDate: Date;
}

/** A goal for the caller's portfolio, in its base currency: a positive amount by a future date. */
export async function createGoal(db: PortfolioDb, identity: Identity, input: CreateGoalInput, now: Date): Promise<GoalRow> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > GOAL_NAME_MAX) throw badInput(`name must be 1 to ${GOAL_NAME_MAX} characters`, 'name');
  const amount = dec(input.targetAmount.toString());
  if (amount.isNegative() || amount.isZero()) throw badInput('targetAmount must be greater than 0', 'targetAmount');
  if (input.targetDate.getTime() <= now.getTime()) throw badInput('targetDate must be in the future', 'targetDate');
  return db.transaction(async (tx) => {
    const portfolio = await lockOwnedPortfolio(tx, input.portfolioId, identity.userId);
    const [row] = await tx
      .insert(goals)
      .values({ portfolioId: portfolio.id, name, targetAmount: amount.toFixed(), currency: portfolio.baseCurrency, targetDate: input.targetDate })
      .returning();
    if (!row) throw new Error('insert into goals returned no row');
    return row;
  });
}

export interface SetAllocationRuleInput {
  portfolioId: string;
  dimension: AllocationDimension;
  key: string;
  targetWeight: number;
  tolerance: number;
}

/**
 * Creates or replaces the caller's rule for one portfolio, dimension and key. The targets of a
 * dimension may add up to at most 1; the portfolio lock keeps two concurrent rules from both
 * passing that check. A SYMBOL key must be in market's universe.
 */
export async function setAllocationRule(db: PortfolioDb, market: MarketClient, identity: Identity, input: SetAllocationRuleInput): Promise<AllocationRuleRow> {
  const key = ruled(() => normalizeRuleKey(input.dimension, input.key));
  const targetWeight = ruled(() => fractionOf(input.targetWeight, 'targetWeight'));
  const tolerance = ruled(() => fractionOf(input.tolerance, 'tolerance'));
  if (input.dimension === 'SYMBOL' && !(await market.findInstrument(key))) throw badInput(`Unknown symbol ${key}`, 'key');
  return db.transaction(async (tx) => {
    const portfolio = await lockOwnedPortfolio(tx, input.portfolioId, identity.userId);
    const ofDimension = await tx
      .select({ id: allocationRules.id, key: allocationRules.key, targetWeight: allocationRules.targetWeight })
      .from(allocationRules)
      .where(and(eq(allocationRules.portfolioId, portfolio.id), eq(allocationRules.dimension, input.dimension)));
    // Keys match without regard to case (sector names), so "technology" replaces "Technology".
    const same = ofDimension.find((rule) => rule.key.toUpperCase() === key.toUpperCase());
    const others = ofDimension.filter((rule) => rule !== same);
    ruled(() => checkTargetsFit([...others.map((rule) => dec(rule.targetWeight)), targetWeight]));
    const values = { key, targetWeight: targetWeight.toFixed(), tolerance: tolerance.toFixed() };
    const [row] = same
      ? await tx
          .update(allocationRules)
          .set({ ...values, updatedAt: sql`now()` })
          .where(eq(allocationRules.id, same.id))
          .returning()
      : await tx
          .insert(allocationRules)
          .values({ portfolioId: portfolio.id, dimension: input.dimension, ...values })
          .returning();
    if (!row) throw new Error('upsert into allocation_rules returned no row');
    return row;
  });
}
