import { D, toDecimal } from './decimal.ts';
import type { FxTable } from './fx.ts';

/** A holding as the portfolio subgraph sends it in an entity representation. */
export interface HoldingFacts {
  quantity: string;
  /** Latest price in the instrument's trading currency. */
  price: string;
  tradingCurrency: string;
  baseCurrency: string;
  costBasis?: { amount: string; currency: string } | undefined;
}

/** quantity x price, in the base currency. */
export function marketValueOf(facts: HoldingFacts, fx: FxTable): D {
  const value = toDecimal(facts.quantity, 'quantity').mul(toDecimal(facts.price, 'price'));
  return fx.convert(value, facts.tradingCurrency, facts.baseCurrency);
}

/**
 * Price gain: value minus cost, both in the trading currency, then converted once at the latest
 * rate. A cost basis recorded in another currency is first brought into the trading currency.
 */
export function unrealizedGainOf(facts: HoldingFacts & { costBasis: { amount: string; currency: string } }, fx: FxTable): D {
  const value = toDecimal(facts.quantity, 'quantity').mul(toDecimal(facts.price, 'price'));
  const cost = fx.convert(toDecimal(facts.costBasis.amount, 'costBasis.amount'), facts.costBasis.currency, facts.tradingCurrency);
  return fx.convert(value.sub(cost), facts.tradingCurrency, facts.baseCurrency);
}

/** Sum of holdings' market values and cash, all in the base currency. */
export function totalValueOf(
  positions: readonly { quantity: string; price: string; tradingCurrency: string }[],
  cash: readonly { amount: string; currency: string }[],
  baseCurrency: string,
  fx: FxTable,
): D {
  let total = new D(0);
  for (const position of positions) total = total.add(marketValueOf({ ...position, baseCurrency }, fx));
  for (const balance of cash) total = total.add(fx.convert(toDecimal(balance.amount, 'cashBalances.amount'), balance.currency, baseCurrency));
  return total;
}
