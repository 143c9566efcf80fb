import { AppError } from '@nexanest/graphql';
import { D } from './decimal.ts';

/** 1 unit of `base` buys `rate` units of `quote`. */
export interface FxQuote {
  base: string;
  quote: string;
  rate: string;
  /** When the rate was observed, when known. */
  time?: Date;
}

export interface FxTable {
  /** Units of `to` for one unit of `from`; throws NOT_FOUND when no route exists. */
  rate(from: string, to: string): D;
  /** The rate and when it was observed (the older leg of a cross); null time for the same currency. */
  quote(from: string, to: string): { rate: D; time: Date | null };
  convert(amount: D, from: string, to: string): D;
}

const PIVOT = 'USD';

/**
 * Rates at one valuation time. Lookup order: same currency, direct pair, inverse pair,
 * then a cross through USD. A missing rate is an error, never a silent 0 or 1.
 */
export function createFxTable(quotes: readonly FxQuote[]): FxTable {
  type Leg = { rate: D; time: Date | null };
  const direct = new Map<string, Leg>();
  for (const quote of quotes) direct.set(`${quote.base}/${quote.quote}`, { rate: new D(quote.rate), time: quote.time ?? null });

  const single = (from: string, to: string): Leg | null => {
    if (from === to) return { rate: new D(1), time: null };
    const straight = direct.get(`${from}/${to}`);
    if (straight) return straight;
    const inverse = direct.get(`${to}/${from}`);
    if (inverse && !inverse.rate.isZero()) return { rate: new D(1).div(inverse.rate), time: inverse.time };
    return null;
  };

  const older = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));

  const quote = (from: string, to: string): Leg => {
    const found = single(from, to);
    if (found) return found;
    const toPivot = single(from, PIVOT);
    const fromPivot = single(PIVOT, to);
    if (toPivot && fromPivot) return { rate: toPivot.rate.mul(fromPivot.rate), time: older(toPivot.time, fromPivot.time) };
    throw new AppError('NOT_FOUND', `No FX rate for ${from}/${to}`);
  };
  const rate = (from: string, to: string) => quote(from, to).rate;

  return { rate, quote, convert: (amount, from, to) => amount.mul(rate(from, to)) };
}
