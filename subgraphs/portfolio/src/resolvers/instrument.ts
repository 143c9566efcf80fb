import type { Context } from '../context.ts';

interface InstrumentRef {
  symbol: string;
}

/** Instrument, as far as portfolio knows it: the caller's positions in it. */
export const instrumentResolvers = {
  __resolveReference: (reference: InstrumentRef): InstrumentRef => ({ symbol: reference.symbol }),
  // Resolved per caller: on a subscription, each subscriber's event carries only their holdings.
  myHoldings: (instrument: InstrumentRef, _args: unknown, context: Context) =>
    context.identity ? context.loaders.myHoldingsBySymbol.load(instrument.symbol.toUpperCase()) : [],
};
