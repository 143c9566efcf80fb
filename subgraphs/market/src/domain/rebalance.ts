import { D } from './decimal.ts';
import { inGroup, totalOf, marketValueInBase, type AllocationDimension, type ValuedPosition } from './allocation.ts';

export interface RebalanceRule {
  dimension: AllocationDimension;
  key: string;
  targetWeight: number;
  tolerance: number;
}

export interface RebalanceTrade {
  symbol: string;
  action: 'BUY' | 'SELL';
  /** Shares, rounded toward zero to QUANTITY_SCALE places. */
  quantity: D;
  /** quantity x latest price x FX, in the base currency. */
  estimatedValue: D;
}

/** Fractional shares to 6 places, rounded toward zero: a plan never trades more than it computed. */
export const QUANTITY_SCALE = 6;

const fraction = (value: number) => new D(String(value));

/**
 * Trades that bring every rule within its tolerance, one at a time:
 * 1. value the positions; take the rule furthest outside its band (|weight - target| - tolerance);
 * 2. move its group to the target weight, counting the trade itself in the new total: the group's
 *    value becomes target x (others) / (1 - target);
 * 3. a SELL comes out of the group's largest positions first (usually one); a BUY goes into the
 *    group's largest position, or, for a SYMBOL rule on an instrument not held, into that symbol;
 * 4. repeat until every rule is within its band. Trades on one symbol are netted into one.
 * Only groups outside their band trade, one position each where possible: the fewest trades.
 * BUYs are paid from cash and SELLs add to it; the plan does not check the cash balance. A rule
 * that cannot be met (a group other than SYMBOL that holds nothing, or a trade smaller than the
 * share scale) is left as it is.
 */
export function planRebalance(positions: readonly ValuedPosition[], rules: readonly RebalanceRule[]): RebalanceTrade[] {
  const planned = positions.map((position) => ({ ...position }));
  const original = new Map(positions.map((position) => [position.symbol, position.quantity]));
  const stuck = new Set<RebalanceRule>();

  for (let round = 0; round < 4 * rules.length + 4; round++) {
    const total = totalOf(planned);
    if (total.isZero()) break;
    let worst: { rule: RebalanceRule; excess: D; value: D } | null = null;
    for (const rule of rules) {
      if (stuck.has(rule)) continue;
      const value = totalOf(planned.filter((position) => inGroup(position, rule.dimension, rule.key)));
      const excess = value.div(total).sub(fraction(rule.targetWeight)).abs().sub(fraction(rule.tolerance));
      if (excess.gt(0) && (!worst || excess.gt(worst.excess))) worst = { rule, excess, value };
    }
    if (!worst) break;
    if (!moveGroup(planned, worst.rule, worst.value, total)) stuck.add(worst.rule);
  }

  const trades: RebalanceTrade[] = [];
  for (const position of planned) {
    const change = position.quantity.sub(original.get(position.symbol) ?? new D(0));
    if (change.isZero()) continue;
    const quantity = change.abs();
    trades.push({
      symbol: position.symbol,
      action: change.isNegative() ? 'SELL' : 'BUY',
      quantity,
      estimatedValue: marketValueInBase({ ...position, quantity }),
    });
  }
  // Sells first: they fund the buys.
  return trades.sort((a, b) => (a.action === b.action ? a.symbol.localeCompare(b.symbol) : a.action === 'SELL' ? -1 : 1));
}

/** Trades the group towards its target; false when no trade is possible. */
function moveGroup(planned: ValuedPosition[], rule: RebalanceRule, value: D, total: D): boolean {
  const target = fraction(rule.targetWeight);
  const members = planned
    .filter((position) => inGroup(position, rule.dimension, rule.key))
    .sort((a, b) => marketValueInBase(b).comparedTo(marketValueInBase(a)));
  if (target.gte(1)) {
    // Everything outside the group goes.
    const outside = planned.filter((position) => !members.includes(position) && !position.quantity.isZero());
    for (const position of outside) position.quantity = new D(0);
    return outside.length > 0;
  }
  const wanted = target.mul(total.sub(value)).div(new D(1).sub(target));
  const delta = wanted.sub(value);
  if (delta.isPositive()) {
    const into = members[0];
    if (!into) return false;
    const shares = delta.div(into.price.mul(into.toBase)).toDecimalPlaces(QUANTITY_SCALE, D.ROUND_DOWN);
    if (shares.isZero()) return false;
    into.quantity = into.quantity.add(shares);
    return true;
  }
  let remaining = delta.neg();
  let traded = false;
  for (const position of members) {
    if (remaining.lte(0)) break;
    const held = marketValueInBase(position);
    if (held.isZero()) continue;
    const shares = remaining.gte(held) ? position.quantity : remaining.div(position.price.mul(position.toBase)).toDecimalPlaces(QUANTITY_SCALE, D.ROUND_DOWN);
    if (shares.isZero()) continue;
    position.quantity = position.quantity.sub(shares);
    remaining = remaining.sub(marketValueInBase({ ...position, quantity: shares }));
    traded = true;
  }
  return traded;
}
