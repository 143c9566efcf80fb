import { AppError, money } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { loadFxTable } from '../loaders.ts';
import { type D, toDecimal } from '../domain/decimal.ts';
import { ratio, totalOf } from '../domain/allocation.ts';
import { valuePositions } from './positions.ts';

/** What the gateway sends for a Goal: its key plus the fields named in @requires. */
export interface GoalRepresentation {
  id: string;
  targetAmount?: { amount: string; currency: string };
  portfolio?: { baseCurrency?: string; holdings?: { symbol: string; quantity: string }[]; cashBalances?: { amount: string; currency: string }[] };
}

/**
 * The portfolio's total value in the goal's currency: holdings at the latest prices plus cash, at
 * the latest FX rates; null while any holding has no price. Both `progress` and `currentValue`
 * (which portfolio asks to decide that a goal is reached) come from here.
 */
async function goalValue(goal: GoalRepresentation, context: MarketContext): Promise<{ value: D; target: D; currency: string } | null> {
  const { targetAmount, portfolio } = goal;
  if (!targetAmount || !portfolio?.baseCurrency || !portfolio.cashBalances)
    throw new AppError('BAD_USER_INPUT', 'Goal representation lacks targetAmount or portfolio');
  const positions = await valuePositions(context, portfolio.baseCurrency, portfolio.holdings);
  if (!positions) return null;
  const currencies = [portfolio.baseCurrency, targetAmount.currency, ...portfolio.cashBalances.map((cash) => cash.currency)];
  const fx = await loadFxTable(context.loaders, currencies);
  let total = fx.convert(totalOf(positions), portfolio.baseCurrency, targetAmount.currency);
  for (const cash of portfolio.cashBalances) total = total.add(fx.convert(toDecimal(cash.amount, 'cashBalances.amount'), cash.currency, targetAmount.currency));
  return { value: total, target: toDecimal(targetAmount.amount, 'targetAmount.amount'), currency: targetAmount.currency };
}

export const Goal = {
  __resolveReference: (representation: GoalRepresentation) => representation,
  progress: async (goal: GoalRepresentation, _: unknown, context: MarketContext) => {
    const valued = await goalValue(goal, context);
    return valued ? ratio(valued.value, valued.target) : null;
  },
  currentValue: async (goal: GoalRepresentation, _: unknown, context: MarketContext) => {
    const valued = await goalValue(goal, context);
    return valued ? money(valued.value.toFixed(), valued.currency) : null;
  },
};
