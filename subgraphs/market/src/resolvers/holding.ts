import { AppError, money } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { loadFxTable } from '../loaders.ts';
import { marketValueOf, unrealizedGainOf } from '../domain/valuation.ts';
import { findQuote } from './quotes.ts';
import { ratio, totalOf, marketValueInBase } from '../domain/allocation.ts';
import { valuePositions } from './positions.ts';

/** What the gateway sends for a Holding: its key plus the fields named in @requires. */
export interface HoldingRepresentation {
  id: string;
  symbol?: string;
  quantity?: string;
  costBasis?: { amount: string; currency: string };
  portfolio?: { baseCurrency?: string; holdings?: { symbol: string; quantity: string }[] };
}

const required = <T>(value: T | undefined | null, field: string): T => {
  if (value === undefined || value === null) throw new AppError('BAD_USER_INPUT', `Holding representation lacks ${field}`);
  return value;
};

export const Holding = {
  // Everything needed arrives in the representation; prices and FX come through loaders.
  __resolveReference: (representation: HoldingRepresentation) => representation,
  marketValue: async (holding: HoldingRepresentation, _: unknown, context: MarketContext) => {
    const quote = await findQuote(context, required(holding.symbol, 'symbol'));
    if (!quote) return null;
    const baseCurrency = required(holding.portfolio?.baseCurrency, 'portfolio.baseCurrency');
    const fx = await loadFxTable(context.loaders, [quote.currency, baseCurrency]);
    const value = marketValueOf({ quantity: required(holding.quantity, 'quantity'), price: quote.price, tradingCurrency: quote.currency, baseCurrency }, fx);
    return money(value.toFixed(), baseCurrency);
  },
  unrealizedGain: async (holding: HoldingRepresentation, _: unknown, context: MarketContext) => {
    const quote = await findQuote(context, required(holding.symbol, 'symbol'));
    if (!quote) return null;
    const baseCurrency = required(holding.portfolio?.baseCurrency, 'portfolio.baseCurrency');
    const costBasis = required(holding.costBasis, 'costBasis');
    const fx = await loadFxTable(context.loaders, [quote.currency, baseCurrency, costBasis.currency]);
    const gain = unrealizedGainOf(
      { quantity: required(holding.quantity, 'quantity'), price: quote.price, tradingCurrency: quote.currency, baseCurrency, costBasis },
      fx,
    );
    return money(gain.toFixed(), baseCurrency);
  },
  weight: async (holding: HoldingRepresentation, _: unknown, context: MarketContext) => {
    const positions = await valuePositions(context, holding.portfolio?.baseCurrency, holding.portfolio?.holdings);
    if (!positions) return null;
    const symbol = required(holding.symbol, 'symbol').toUpperCase();
    const own = positions.find((position) => position.symbol === symbol);
    return own ? ratio(marketValueInBase(own), totalOf(positions)) : null;
  },
};
