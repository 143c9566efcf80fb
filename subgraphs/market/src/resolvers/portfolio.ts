import { AppError, money } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { loadFxTable } from '../loaders.ts';
import { totalValueOf } from '../domain/valuation.ts';
import { findQuote } from './quotes.ts';

/** What the gateway sends for a Portfolio: its key plus the fields named in @requires. */
export interface PortfolioRepresentation {
  id: string;
  baseCurrency?: string;
  holdings?: { symbol: string; quantity: string }[];
  cashBalances?: { amount: string; currency: string }[];
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
};
