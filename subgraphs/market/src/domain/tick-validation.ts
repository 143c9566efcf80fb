import type { Decimal } from 'decimal.js';
import { D } from './decimal.ts';

/** A tick as a feed sends it: prices may be Decimals (GraphQL) or decimal strings (feeds). */
export interface TickInput {
  symbol: string;
  price: Decimal | string;
  time: Date;
  volume?: Decimal | string | null;
}

/** A tick that passed validation, normalised for storage. */
export interface ValidTick {
  index: number;
  symbol: string;
  price: string;
  time: Date;
  volume: string | null;
  /** Index levels go to market_indices, everything else to stock_prices. */
  series: 'stock' | 'index';
}

export interface TickRejection {
  index: number;
  symbol: string;
  reason: string;
}

/** Clocks differ a little between a feed and us; more than this is a tick from the future. */
export const FUTURE_TOLERANCE_MS = 5_000;

/** No market data we take predates this; an earlier time is a feed's bug (often a zero epoch). */
const EARLIEST_TICK_MS = Date.UTC(1970, 0, 1);

/** A plain decimal: digits, an optional fraction, an optional sign. No exponent, no NaN/Infinity. */
const DECIMAL_TEXT = /^[+-]?\d+(\.\d+)?$/;

const decimalOrNull = (value: Decimal | string) => {
  if (typeof value === 'string') return DECIMAL_TEXT.test(value.trim()) ? new D(value.trim()) : null;
  return value.isFinite() ? new D(value) : null;
};

/** Symbols of the universe and their asset class; only non-currency instruments take ticks. */
export type Universe = ReadonlyMap<string, 'STOCK' | 'ETF' | 'INDEX' | 'CURRENCY'>;

export interface ValidationRules {
  now: Date;
  /** How far ahead of `now` a tick may be (clock skew), in ms. */
  futureToleranceMs?: number;
  /** Ticks before this instant are refused: their partition is (or will soon be) dropped by retention. */
  oldestAccepted?: Date | null;
}

/** Why a tick is refused, or its price and volume as decimals (parsed once, for the check and for storage). */
function checkTick(tick: TickInput, universe: Universe, rules: ValidationRules): { reason: string } | { price: D; volume: D | null } {
  const assetClass = universe.get(tick.symbol.toUpperCase());
  if (!assetClass) return { reason: `Unknown symbol ${tick.symbol}` };
  if (assetClass === 'CURRENCY') return { reason: `${tick.symbol} is a currency pair; FX rates are not ingested as ticks` };
  const price = decimalOrNull(tick.price);
  if (!price) return { reason: 'Price is not a decimal number' };
  if (!price.gt(0)) return { reason: 'Price must be positive' };
  if (!(tick.time instanceof Date) || Number.isNaN(tick.time.getTime())) return { reason: 'Time is not a valid instant' };
  if (tick.time.getTime() > rules.now.getTime() + (rules.futureToleranceMs ?? FUTURE_TOLERANCE_MS)) return { reason: 'Time is in the future' };
  if (tick.time.getTime() < EARLIEST_TICK_MS) return { reason: 'Time is before 1970' };
  if (rules.oldestAccepted && tick.time.getTime() < rules.oldestAccepted.getTime()) return { reason: 'Time is older than the raw-tick retention period' };
  if (tick.volume == null) return { price, volume: null };
  const volume = decimalOrNull(tick.volume);
  if (!volume) return { reason: 'Volume is not a decimal number' };
  if (volume.isNeg()) return { reason: 'Volume must not be negative' };
  return { price, volume };
}

/** Splits a batch into storable ticks and per-tick rejections; one bad tick never sinks the rest. */
export function validateTicks(ticks: readonly TickInput[], universe: Universe, rules: ValidationRules): { valid: ValidTick[]; rejected: TickRejection[] } {
  const valid: ValidTick[] = [];
  const rejected: TickRejection[] = [];
  ticks.forEach((tick, index) => {
    const checked = checkTick(tick, universe, rules);
    if ('reason' in checked) {
      rejected.push({ index, symbol: tick.symbol, reason: checked.reason });
      return;
    }
    const symbol = tick.symbol.toUpperCase();
    valid.push({
      index,
      symbol,
      price: checked.price.toFixed(),
      time: tick.time,
      volume: checked.volume === null ? null : checked.volume.toFixed(),
      series: universe.get(symbol) === 'INDEX' ? 'index' : 'stock',
    });
  });
  return { valid, rejected };
}
