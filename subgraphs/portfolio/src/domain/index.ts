export { SUPPORTED_CURRENCIES, isSupportedCurrency, type SupportedCurrency } from './currencies.ts';
export { dec, LedgerDecimal, LEDGER_SCALE, type DecimalLike } from './decimal.ts';
export { LedgerRuleError } from './ledger-rule-error.ts';
export {
  TRANSACTION_TYPES,
  CLOCK_SKEW_MS,
  createLedgerEntry,
  checkInstrumentCurrency,
  needsInstrument,
  changesHolding,
  normalizeSymbol,
  type TransactionType,
  type TransactionDraft,
  type LedgerEntry,
} from './ledger-entry.ts';
export { applyEntry, averageCost, emptyPosition, positionOf, type Position } from './position.ts';
export { entryOf, replayPosition, cashOf, type StoredEntry } from './replay.ts';
export { ALLOCATION_DIMENSIONS, ASSET_CLASSES, normalizeRuleKey, fractionOf, checkTargetsFit, type AllocationDimension } from './allocation-rule.ts';
