import { AppError, money } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { loadFxTable } from '../loaders.ts';
import { totalValueOf } from '../domain/valuation.ts';
import { findQuote } from './quotes.ts';
import { allocationOf, type AllocationDimension } from '../domain/allocation.ts';
import { planRebalance } from '../domain/rebalance.ts';
import { valuePositions } from './positions.ts';

/** What the gateway sends for a Portfolio: its key plus the fields named in @requires. */
export interface PortfolioRepresentation {
  id: string;
  baseCurrency?: string;
  holdings?: { symbol: string; quantity: string }[];
  cashBalances?: { amount: string; currency: string }[];
  allocationRules?: { dimension: AllocationDimension; key: string; targetWeight: number; tolerance: number }[];
}

export const Portfolio = {
  __resolveReference: (representation: PortfolioRepresentation) => representation,
  totalValue: async (portfolio: PortfolioRepresentation, _: unknown, context: MarketContext) => {
    const { baseCurrency, holdings, cashBalances } = portfolio;
    if (!baseCurrency || !holdings || !cashBalances)
      throw new AppError('BAD_USER_INPUT', 'Portfolio representation lacks baseCurrency, holdings or cashBalances');
    // All quotes are requested in the same tick, so the loaders batch them into one statement each.
    const quotes = await Promise.all(holdings.map((holding) => findQuote(context, holding.symbol)));
    const positions: { quantity: string; price: string; tradingCurrency: string }[] = [];
    for (const [index, quote] of quotes.entries()) {
      if (!quote) return null;
      positions.push({ quantity: holdings[index]!.quantity, price: quote.price, tradingCurrency: quote.currency });
    }
    const currencies = [baseCurrency, ...positions.map((position) => position.tradingCurrency), ...cashBalances.map((cash) => cash.currency)];
    const fx = await loadFxTable(context.loaders, currencies);
    return money(totalValueOf(positions, cashBalances, baseCurrency, fx).toFixed(), baseCurrency);
  },
  cashBalance: async (portfolio: PortfolioRepresentation, _: unknown, context: MarketContext) => {
    const { baseCurrency, cashBalances } = portfolio;
    if (!baseCurrency || !cashBalances) throw new AppError('BAD_USER_INPUT', 'Portfolio representation lacks baseCurrency or cashBalances');
    const fx = await loadFxTable(context.loaders, [baseCurrency, ...cashBalances.map((cash) => cash.currency)]);
    return money(totalValueOf([], cashBalances, baseCurrency, fx).toFixed(), baseCurrency);
  },
  allocation: async (portfolio: PortfolioRepresentation, args: { by: AllocationDimension }, context: MarketContext) => {
    const positions = await valuePositions(context, portfolio.baseCurrency, portfolio.holdings);
    if (!positions) return null;
    return allocationOf(positions, args.by).map((slice) => ({
      key: slice.key,
      value: money(slice.value.toFixed(), portfolio.baseCurrency as string),
      weight: slice.weight,
    }));
  },
  rebalancePlan: async (portfolio: PortfolioRepresentation, _: unknown, context: MarketContext) => {
    const rules = portfolio.allocationRules;
    if (!rules) throw new AppError('BAD_USER_INPUT', 'Portfolio representation lacks allocationRules');
    // A SYMBOL rule may ask for an instrument not held yet: price it too.
    const symbols = rules.filter((rule) => rule.dimension === 'SYMBOL').map((rule) => rule.key);
    const positions = await valuePositions(context, portfolio.baseCurrency, portfolio.holdings, symbols);
    if (!positions) return null;
    return planRebalance(positions, rules).map((trade) => ({
      symbol: trade.symbol,
      action: trade.action,
      quantity: trade.quantity.toFixed(),
      estimatedValue: money(trade.estimatedValue.toFixed(), portfolio.baseCurrency as string),
    }));
  },
};
