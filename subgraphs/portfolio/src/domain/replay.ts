import type { Decimal } from 'decimal.js';
import { dec, type DecimalLike } from './decimal.ts';
import type { LedgerEntry, TransactionType } from './ledger-entry.ts';
import { applyEntry, emptyPosition, type Position } from './position.ts';

/** A ledger entry as stored: the rules were applied when it was recorded. */
export interface StoredEntry {
  type: string;
  symbol: string | null;
  quantity: DecimalLike | null;
  price: DecimalLike | null;
  fees: DecimalLike | null;
  amount: DecimalLike;
  currency: string;
  executedAt: Date;
}

const orNull = (value: DecimalLike | null): Decimal | null => (value === null ? null : dec(value));

/** The stored entry back as a LedgerEntry, without re-checking rules that depend on the clock. */
export const entryOf = (stored: StoredEntry): LedgerEntry => ({
  type: stored.type as TransactionType,
  symbol: stored.symbol,
  quantity: orNull(stored.quantity),
  price: orNull(stored.price),
  fees: orNull(stored.fees),
  amount: dec(stored.amount),
  currency: stored.currency,
  executedAt: stored.executedAt,
});

/**
 * One symbol's position rebuilt from its entries, which the caller gives in ledger order
 * (executed_at, then recording order). Throws LedgerRuleError where the sequence is impossible,
 * e.g. a SELL of more than is held at that point.
 */
export const replayPosition = (entries: readonly StoredEntry[]): Position =>
  entries.reduce<Position>((position, stored) => applyEntry(position, entryOf(stored)), emptyPosition());

/** A currency's cash balance: the exact sum of the entries' signed amounts. */
export const cashOf = (amounts: readonly DecimalLike[]): Decimal => amounts.reduce<Decimal>((sum, amount) => sum.plus(amount), dec('0'));
