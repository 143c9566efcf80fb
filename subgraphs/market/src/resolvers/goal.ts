import { AppError } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { loadFxTable } from '../loaders.ts';
import { toDecimal } from '../domain/decimal.ts';
import { ratio, totalOf } from '../domain/allocation.ts';
import { valuePositions } from './positions.ts';

/** What the gateway sends for a Goal: its key plus the fields named in @requires. */
export interface GoalRepresentation {
  id: string;
  targetAmount?: { amount: string; currency: string };
  portfolio?: { baseCurrency?: string; holdings?: { symbol: string; quantity: string }[]; cashBalances?: { amount: string; currency: string }[] };
}

export const Goal = {
  __resolveReference: (representation: GoalRepresentation) => representation,
  progress: async (goal: GoalRepresentation, _: unknown, context: MarketContext) => {
    const { targetAmount, portfolio } = goal;
    if (!targetAmount || !portfolio?.baseCurrency || !portfolio.cashBalances)
      throw new AppError('BAD_USER_INPUT', 'Goal representation lacks targetAmount or portfolio');
    const positions = await valuePositions(context, portfolio.baseCurrency, portfolio.holdings);
    if (!positions) return null;
    const currencies = [portfolio.baseCurrency, targetAmount.currency, ...portfolio.cashBalances.map((cash) => cash.currency)];
    const fx = await loadFxTable(context.loaders, currencies);
    let total = fx.convert(totalOf(positions), portfolio.baseCurrency, targetAmount.currency);
    for (const cash of portfolio.cashBalances)
      total = total.add(fx.convert(toDecimal(cash.amount, 'cashBalances.amount'), cash.currency, targetAmount.currency));
    return ratio(total, toDecimal(targetAmount.amount, 'targetAmount.amount'));
  },
};
