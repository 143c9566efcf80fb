import type { Decimal } from 'decimal.js';
import { isSupportedCurrency } from './currencies.ts';
import { dec, type DecimalLike } from './decimal.ts';
import { LedgerRuleError } from './ledger-rule-error.ts';

export const TRANSACTION_TYPES = ['BUY', 'SELL', 'DIVIDEND', 'INTEREST', 'DEPOSIT', 'WITHDRAWAL', 'FEE', 'SPLIT'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** What a caller asks to record, before any rule is applied. */
export interface TransactionDraft {
  type: TransactionType;
  symbol?: string | null;
  quantity?: DecimalLike | null;
  price?: DecimalLike | null;
  fees?: DecimalLike | null;
  amount?: DecimalLike | null;
  currency: string;
  executedAt: Date;
}

/** A draft that passed every rule that needs no outside data, with its cash effect worked out. */
export interface LedgerEntry {
  type: TransactionType;
  /** Upper-case ticker for BUY, SELL, DIVIDEND and SPLIT; null otherwise. */
  symbol: string | null;
  /** Shares for BUY and SELL; new shares per old share for SPLIT; null otherwise. */
  quantity: Decimal | null;
  price: Decimal | null;
  /** Fees of a trade (0 when omitted); null for other types. */
  fees: Decimal | null;
  /** Signed cash effect in `currency`. */
  amount: Decimal;
  currency: string;
  executedAt: Date;
}

/** Clocks of clients and servers disagree a little; more than this is a date in the future. */
export const CLOCK_SKEW_MS = 5_000;

const NEEDS_SYMBOL = new Set<TransactionType>(['BUY', 'SELL', 'DIVIDEND', 'SPLIT']);

/** Types whose currency must be the instrument's trading currency. */
const IN_TRADING_CURRENCY = new Set<TransactionType>(['BUY', 'SELL', 'DIVIDEND']);

export const needsInstrument = (type: TransactionType) => NEEDS_SYMBOL.has(type);
export const tradesInInstrumentCurrency = (type: TransactionType) => IN_TRADING_CURRENCY.has(type);
/** Types that change a holding (the others only move cash). */
export const changesHolding = (type: TransactionType) => type === 'BUY' || type === 'SELL' || type === 'SPLIT';

function required(value: DecimalLike | null | undefined, field: string, type: TransactionType): Decimal {
  if (value === null || value === undefined) throw new LedgerRuleError(`${field} is required for ${type}`, field);
  return dec(value);
}

function positive(value: DecimalLike | null | undefined, field: string, type: TransactionType): Decimal {
  const result = required(value, field, type);
  if (!result.isPositive() || result.isZero()) throw new LedgerRuleError(`${field} must be greater than 0`, field);
  return result;
}

function nonNegative(value: DecimalLike | null | undefined, field: string): Decimal {
  if (value === null || value === undefined) return dec('0');
  const result = dec(value);
  if (result.isNegative() && !result.isZero()) throw new LedgerRuleError(`${field} must not be negative`, field);
  return result.abs();
}

/** Trims and upper-cases a ticker; an empty one is missing. */
export function normalizeSymbol(symbol: string | null | undefined, type: TransactionType): string {
  const trimmed = symbol?.trim().toUpperCase() ?? '';
  if (!trimmed) throw new LedgerRuleError(`symbol is required for ${type}`, 'symbol');
  if (!/^[A-Z0-9.^=-]{1,20}$/.test(trimmed)) throw new LedgerRuleError('symbol is not a valid ticker', 'symbol');
  return trimmed;
}

/**
 * Applies every rule that needs neither the database nor the market: required fields per
 * type, signs, currency, date; and derives the signed cash effect:
 * BUY -(q*p + fees), SELL q*p - fees, DIVIDEND/INTEREST/DEPOSIT +amount, WITHDRAWAL/FEE -amount,
 * SPLIT 0.
 */
export function createLedgerEntry(draft: TransactionDraft, now: Date): LedgerEntry {
  if (!isSupportedCurrency(draft.currency)) throw new LedgerRuleError(`Unknown currency ${JSON.stringify(draft.currency)}`, 'currency');
  if (draft.executedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new LedgerRuleError('executedAt must not be in the future', 'executedAt');
  const base = { type: draft.type, currency: draft.currency, executedAt: draft.executedAt };
  const symbol = needsInstrument(draft.type) ? normalizeSymbol(draft.symbol, draft.type) : null;
  switch (draft.type) {
    case 'BUY':
    case 'SELL': {
      const quantity = positive(draft.quantity, 'quantity', draft.type);
      const price = positive(draft.price, 'price', draft.type);
      const fees = nonNegative(draft.fees, 'fees');
      const gross = quantity.times(price);
      const amount = draft.type === 'BUY' ? gross.plus(fees).negated() : gross.minus(fees);
      return { ...base, symbol, quantity, price, fees, amount };
    }
    case 'SPLIT':
      return { ...base, symbol, quantity: positive(draft.quantity, 'quantity', draft.type), price: null, fees: null, amount: dec('0') };
    case 'DIVIDEND':
    case 'INTEREST':
    case 'DEPOSIT':
      return { ...base, symbol, quantity: null, price: null, fees: null, amount: positive(draft.amount, 'amount', draft.type) };
    case 'WITHDRAWAL':
    case 'FEE':
      return { ...base, symbol, quantity: null, price: null, fees: null, amount: positive(draft.amount, 'amount', draft.type).negated() };
  }
}

/** BUY, SELL and DIVIDEND happen in the instrument's trading currency; anything else is a mistake. */
export function checkInstrumentCurrency(entry: LedgerEntry, instrument: { symbol: string; currency: string }): void {
  if (tradesInInstrumentCurrency(entry.type) && entry.currency !== instrument.currency) {
    throw new LedgerRuleError(`${instrument.symbol} trades in ${instrument.currency}, not ${entry.currency}`, 'currency');
  }
}
