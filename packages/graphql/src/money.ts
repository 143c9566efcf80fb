import { Decimal } from 'decimal.js';

/** Money on the wire: an exact amount and its ISO-4217 currency. */
export interface Money {
  amount: Decimal;
  currency: string;
}

/**
 * Computed valuations (products with prices and FX rates) carry more digits than any currency
 * has; they are rounded half-even to 4 places, enough for sub-cent unit costs, once, at the edge.
 */
export const MONEY_SCALE = 4;

export const money = (amount: Decimal.Value, currency: string): Money => ({
  amount: new Decimal(amount).toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_EVEN),
  currency,
});

const CURRENCY = /^[A-Z]{3}$/;
export const isCurrencyCode = (value: string) => CURRENCY.test(value);
