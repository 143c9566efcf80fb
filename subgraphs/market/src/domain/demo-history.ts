import { D } from './decimal.ts';

/** Deterministic 32-bit PRNG: the same seed always yields the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, to key a PRNG by symbol. */
export function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A standard normal draw (Box-Muller). Only a ratio: prices themselves stay Decimal. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Decimal places a price is quoted with: 4 below 10, otherwise 2. */
export const priceScale = (price: D) => (price.lt(10) ? 4 : 2);

/** Multiplies a price by exp(step), keeping the quote's usual precision and staying positive. */
export function stepPrice(price: D, step: number, scale = priceScale(price)): D {
  const next = price.mul(new D(Math.exp(step).toFixed(12))).toDecimalPlaces(scale);
  return next.gt(0) ? next : new D(1).div(new D(10).pow(scale));
}

export interface DemoPoint {
  time: Date;
  value: string;
}

/** Times of the series: one per UTC day at 21:00 (after the US close), never after endDate. */
export function demoTimes(days: number, endDate: Date): Date[] {
  const endDay = Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth(), endDate.getUTCDate());
  const times: Date[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const close = endDay - i * 86_400_000 + 21 * 3_600_000;
    times.push(new Date(Math.min(close, endDate.getTime())));
  }
  return times;
}

/**
 * A geometric random walk for `key`, starting at `start`: drift and volatility are derived from
 * the key, so every symbol has its own character and the same history on every machine.
 */
export function demoSeries(key: string, start: string, times: readonly Date[], options: { volatility: number; scale?: number }): DemoPoint[] {
  const random = mulberry32(hashString(key));
  const drift = (random() - 0.4) * 0.0008;
  const volatility = options.volatility * (0.6 + random() * 0.8);
  let value = new D(start);
  const scale = options.scale ?? priceScale(value);
  return times.map((time, index) => {
    if (index > 0) value = stepPrice(value, drift + volatility * gaussian(random), scale);
    return { time, value: value.toFixed(scale) };
  });
}

/** A deterministic daily volume for a stock or fund; indices have none. */
export function demoVolume(random: () => number, base: number): string {
  return String(Math.round(base * (0.5 + random())));
}

/** USD-based FX rates of the demo history and where each starts. */
export const DEMO_FX_START: Readonly<Record<string, string>> = { EUR: '0.920000', GBP: '0.790000', JPY: '150.0000', CHF: '0.880000' };
