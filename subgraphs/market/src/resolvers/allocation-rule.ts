import { AppError } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { weightOf, type AllocationDimension } from '../domain/allocation.ts';
import { D } from '../domain/decimal.ts';
import { valuePositions } from './positions.ts';

/** What the gateway sends for an AllocationRule: its key plus the fields named in @requires. */
export interface AllocationRuleRepresentation {
  id: string;
  dimension?: AllocationDimension;
  key?: string;
  targetWeight?: number;
  portfolio?: { baseCurrency?: string; holdings?: { symbol: string; quantity: string }[] };
}

async function currentWeight(rule: AllocationRuleRepresentation, context: MarketContext): Promise<number | null> {
  if (!rule.dimension || rule.key === undefined) throw new AppError('BAD_USER_INPUT', 'AllocationRule representation lacks dimension or key');
  const positions = await valuePositions(context, rule.portfolio?.baseCurrency, rule.portfolio?.holdings);
  return positions ? weightOf(positions, rule.dimension, rule.key) : null;
}

export const AllocationRule = {
  __resolveReference: (representation: AllocationRuleRepresentation) => representation,
  currentWeight: (rule: AllocationRuleRepresentation, _: unknown, context: MarketContext) => currentWeight(rule, context),
  drift: async (rule: AllocationRuleRepresentation, _: unknown, context: MarketContext) => {
    if (rule.targetWeight === undefined) throw new AppError('BAD_USER_INPUT', 'AllocationRule representation lacks targetWeight');
    const weight = await currentWeight(rule, context);
    // Subtracted as decimals so that 0.3 - 0.1 is 0.2, not 0.19999999999999998.
    return weight === null ? null : new D(String(weight)).sub(String(rule.targetWeight)).toNumber();
  },
};
