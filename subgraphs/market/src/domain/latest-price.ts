import { D } from './decimal.ts';

/** A stored price observation (NUMERIC values as strings). */
export interface StoredTick {
  symbol: string;
  time: Date;
  price: string;
  volume: string | null;
}

/** The latest_prices row of one symbol: last price plus its UTC day's range. */
export interface LatestPriceState {
  price: string;
  time: Date;
  /** UTC date of `time`, YYYY-MM-DD. */
  day: string;
  open: string;
  openTime: Date;
  high: string;
  low: string;
  volume: string | null;
  /** Last price of an earlier day; null until there is one. */
  prevClose: string | null;
}

export const utcDay = (time: Date) => time.toISOString().slice(0, 10);

const max = (a: string, b: string) => (new D(a).gte(b) ? a : b);
const min = (a: string, b: string) => (new D(a).lte(b) ? a : b);
const addVolume = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : new D(a).add(b).toFixed());

function applyTick(state: LatestPriceState | null, tick: StoredTick): LatestPriceState | null {
  const day = utcDay(tick.time);
  const fresh = (prevClose: string | null): LatestPriceState => ({
    price: tick.price,
    time: tick.time,
    day,
    open: tick.price,
    openTime: tick.time,
    high: tick.price,
    low: tick.price,
    volume: tick.volume,
    prevClose,
  });
  if (!state) return fresh(null);
  // A new day starts: the last price we had closes the previous one.
  if (day > state.day) return fresh(state.price);
  // A late tick from a day already closed does not move today's figures.
  if (day < state.day) return state;
  const later = tick.time.getTime() >= state.time.getTime();
  const earlier = tick.time.getTime() < state.openTime.getTime();
  return {
    ...state,
    price: later ? tick.price : state.price,
    time: later ? tick.time : state.time,
    open: earlier ? tick.price : state.open,
    openTime: earlier ? tick.time : state.openTime,
    high: max(state.high, tick.price),
    low: min(state.low, tick.price),
    volume: addVolume(state.volume, tick.volume),
  };
}

/** Folds newly stored ticks of one symbol, in time order, into its latest-price row. */
export function mergeLatestPrice(existing: LatestPriceState | null, ticks: readonly StoredTick[]): LatestPriceState | null {
  const ordered = [...ticks].sort((a, b) => a.time.getTime() - b.time.getTime());
  return ordered.reduce<LatestPriceState | null>(applyTick, existing);
}

/** Move over the previous close: an exact Decimal change and a percentage as Float (computed exactly, converted at the edge). */
export function priceChange(price: string, prevClose: string | null): { change: D | null; changePercent: number | null } {
  if (prevClose === null) return { change: null, changePercent: null };
  const previous = new D(prevClose);
  const change = new D(price).sub(previous);
  if (previous.isZero()) return { change, changePercent: null };
  return { change, changePercent: change.div(previous).mul(100).toDecimalPlaces(8).toNumber() };
}
