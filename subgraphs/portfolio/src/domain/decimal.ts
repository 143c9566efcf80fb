import { Decimal } from 'decimal.js';

/**
 * Decimal arithmetic for the ledger. The library's default of 20 significant digits is too few
 * for products of 28-digit inputs (18 integer + 10 fractional digits), so the ledger works with
 * its own, wider clone; results are written to NUMERIC and to the wire as strings.
 */
export const LedgerDecimal = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
export type LedgerDecimal = Decimal;

/** Anything a decimal can be read from without passing through a binary float. */
export type DecimalLike = string | Decimal;

export const dec = (value: DecimalLike): Decimal => new LedgerDecimal(value);

/** Finest scale an input can carry (the Decimal scalar's limit); derived costs round to it. */
export const LEDGER_SCALE = 10;
