import type { MarketContext } from '../context.ts';

/** A symbol's latest price and the currency it is quoted in; null before the first price. */
export async function findQuote(context: MarketContext, symbol: string): Promise<{ price: string; currency: string } | null> {
  const key = symbol.toUpperCase();
  const [instrument, latest] = await Promise.all([context.loaders.instrument.load(key), context.loaders.latestPrice.load(key)]);
  return instrument && latest ? { price: latest.price, currency: instrument.currency } : null;
}
