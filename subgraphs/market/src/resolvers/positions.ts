import { AppError } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { loadFxTable } from '../loaders.ts';
import type { ValuedPosition } from '../domain/allocation.ts';
import { toDecimal } from '../domain/decimal.ts';

/** Holdings as portfolio sends them in a representation (the fields named in @requires). */
export interface HoldingFacts {
  symbol: string;
  quantity: string;
}

// Keyed by the loaders, which a subscription renews for every event: no value outlives its prices.
const memo = new WeakMap<MarketContext['loaders'], Map<string, Promise<ValuedPosition[] | null>>>();

/**
 * Values a portfolio's holdings at the latest prices and FX, with each instrument's reference
 * data; null while any holding has no price. Every symbol is asked for in the same tick, so the
 * loaders send one statement each whatever the number of holdings, and one request values the
 * same portfolio once (each Holding.weight needs all of its portfolio's holdings).
 * `alsoPrice` adds instruments that are not held (quantity 0) when they have a price.
 */
export function valuePositions(
  context: MarketContext,
  baseCurrency: string | undefined,
  holdings: readonly HoldingFacts[] | undefined,
  alsoPrice: readonly string[] = [],
): Promise<ValuedPosition[] | null> {
  if (!baseCurrency || !holdings) throw new AppError('BAD_USER_INPUT', 'Representation lacks baseCurrency or holdings');
  const key = JSON.stringify([baseCurrency, holdings.map((holding) => [holding.symbol, holding.quantity]), alsoPrice]);
  const perRequest = memo.get(context.loaders) ?? new Map<string, Promise<ValuedPosition[] | null>>();
  memo.set(context.loaders, perRequest);
  let valued = perRequest.get(key);
  if (!valued) {
    valued = compute(context, baseCurrency, holdings, alsoPrice);
    perRequest.set(key, valued);
  }
  return valued;
}

async function compute(
  context: MarketContext,
  baseCurrency: string,
  holdings: readonly HoldingFacts[],
  alsoPrice: readonly string[],
): Promise<ValuedPosition[] | null> {
  const held = new Set(holdings.map((holding) => holding.symbol.toUpperCase()));
  const extra = [...new Set(alsoPrice.map((symbol) => symbol.toUpperCase()))].filter((symbol) => !held.has(symbol));
  const wanted = [
    ...holdings.map((holding) => ({ symbol: holding.symbol.toUpperCase(), quantity: holding.quantity })),
    ...extra.map((symbol) => ({ symbol, quantity: '0' })),
  ];
  const facts = await Promise.all(
    wanted.map(async (holding) => {
      const [instrument, latest] = await Promise.all([context.loaders.instrument.load(holding.symbol), context.loaders.latestPrice.load(holding.symbol)]);
      return { holding, instrument, latest };
    }),
  );
  // A held instrument without a price makes every figure unknowable; an extra one is just left out.
  if (facts.slice(0, holdings.length).some((fact) => !fact.instrument || !fact.latest)) return null;
  const usable = facts.filter((fact) => fact.instrument && fact.latest);
  const fx = await loadFxTable(context.loaders, [baseCurrency, ...usable.map((fact) => fact.instrument?.currency ?? baseCurrency)]);
  return usable.map(({ holding, instrument, latest }) => {
    if (!instrument || !latest) throw new Error('unreachable: filtered above');
    return {
      symbol: holding.symbol,
      quantity: toDecimal(holding.quantity, 'quantity'),
      price: toDecimal(latest.price, 'price'),
      tradingCurrency: instrument.currency,
      toBase: fx.rate(instrument.currency, baseCurrency),
      assetClass: instrument.assetClass,
      sector: instrument.sector,
      country: instrument.country,
    };
  });
}
