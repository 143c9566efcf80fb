import type { Decimal } from 'decimal.js';
import { isSupportedCurrency } from './currencies.ts';
import { dec } from './decimal.ts';
import { LedgerRuleError } from './ledger-rule-error.ts';

export const ALLOCATION_DIMENSIONS = ['ASSET_CLASS', 'SECTOR', 'COUNTRY', 'CURRENCY', 'SYMBOL'] as const;
export type AllocationDimension = (typeof ALLOCATION_DIMENSIONS)[number];

/** Market's asset classes, the keys of the ASSET_CLASS dimension. */
export const ASSET_CLASSES = ['STOCK', 'ETF', 'INDEX', 'CURRENCY'] as const;

export const SECTOR_MAX = 100;

/**
 * The key as it is stored and matched: upper-case codes for asset classes, countries (ISO-3166
 * alpha-2), currencies and symbols; a sector name trimmed, as market spells it (matched without
 * regard to case). Symbols are checked against market's universe by the caller.
 */
export function normalizeRuleKey(dimension: AllocationDimension, key: string): string {
  const trimmed = key.trim();
  const upper = trimmed.toUpperCase();
  switch (dimension) {
    case 'ASSET_CLASS':
      if (!(ASSET_CLASSES as readonly string[]).includes(upper)) throw new LedgerRuleError(`key must be one of ${ASSET_CLASSES.join(', ')}`, 'key');
      return upper;
    case 'COUNTRY':
      if (!/^[A-Z]{2}$/.test(upper)) throw new LedgerRuleError('key must be an ISO-3166 alpha-2 country code', 'key');
      return upper;
    case 'CURRENCY':
      if (!isSupportedCurrency(upper)) throw new LedgerRuleError(`Unknown currency ${JSON.stringify(trimmed)}`, 'key');
      return upper;
    case 'SYMBOL':
      if (!/^[A-Z0-9.^=-]{1,20}$/.test(upper)) throw new LedgerRuleError('key is not a valid ticker', 'key');
      return upper;
    case 'SECTOR':
      if (trimmed.length < 1 || trimmed.length > SECTOR_MAX) throw new LedgerRuleError(`key must be 1 to ${SECTOR_MAX} characters`, 'key');
      return trimmed;
  }
}

/** A weight or tolerance: a finite fraction in [0, 1], kept exactly as the shortest decimal JavaScript prints for it. */
export function fractionOf(value: number, field: string): Decimal {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new LedgerRuleError(`${field} must be a fraction from 0 to 1`, field);
  return dec(String(value));
}

/** Targets of one dimension may not promise more than the whole portfolio. */
export function checkTargetsFit(targets: readonly Decimal[]): void {
  const total = targets.reduce((sum, target) => sum.plus(target), dec('0'));
  if (total.greaterThan(1))
    throw new LedgerRuleError(`targetWeight would make this dimension's targets add up to ${total.toFixed()}, more than 1`, 'targetWeight');
}
