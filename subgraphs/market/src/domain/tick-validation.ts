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

const decimalOrNull = (value: Decimal | string) => {
  try {
    const parsed = new D(value);
    return parsed.isFinite() ? parsed : null;
  } catch {
    return null;
  }
};

/** Symbols of the universe and their asset class; only non-currency instruments take ticks. */
export type Universe = ReadonlyMap<string, 'STOCK' | 'ETF' | 'INDEX' | 'CURRENCY'>;

function reasonToReject(tick: TickInput, universe: Universe, now: Date): string | null {
  const assetClass = universe.get(tick.symbol.toUpperCase());
  if (!assetClass) return `Unknown symbol ${tick.symbol}`;
  if (assetClass === 'CURRENCY') return `${tick.symbol} is a currency pair; FX rates are not ingested as ticks`;
  const price = decimalOrNull(tick.price);
  if (!price?.gt(0)) return 'Price must be positive';
  if (Number.isNaN(tick.time.getTime())) return 'Time is not a valid instant';
  if (tick.time.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return 'Time is in the future';
  if (tick.time.getTime() < EARLIEST_TICK_MS) return 'Time is before 1970';
  if (tick.volume != null) {
    const volume = decimalOrNull(tick.volume);
    if (!volume || volume.isNeg()) return 'Volume must not be negative';
  }
  return null;
}

/** Splits a batch into storable ticks and per-tick rejections; one bad tick never sinks the rest. */
export function validateTicks(ticks: readonly TickInput[], universe: Universe, now: Date): { valid: ValidTick[]; rejected: TickRejection[] } {
  const valid: ValidTick[] = [];
  const rejected: TickRejection[] = [];
  ticks.forEach((tick, index) => {
    const reason = reasonToReject(tick, universe, now);
    if (reason) {
      rejected.push({ index, symbol: tick.symbol, reason });
      return;
    }
    valid.push({
      index,
      symbol: tick.symbol.toUpperCase(),
      price: new D(tick.price).toFixed(),
      time: tick.time,
      volume: tick.volume == null ? null : new D(tick.volume).toFixed(),
    });
  });
  return { valid, rejected };
}
