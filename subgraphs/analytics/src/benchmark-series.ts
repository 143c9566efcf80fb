import { Decimal } from 'decimal.js';
import { type BenchmarkSeries, createBenchmarkSeries } from './domain/benchmark.ts';
import type { MarketClient } from '@nexanest/graphql';

export interface BenchmarkKey {
  symbol: string;
  /** The portfolio's base currency: the closes are converted into it. */
  currency: string;
  fromDay: string;
  toDay: string;
}

/**
 * The benchmark's daily closes in the portfolio's base currency, from market's ONE_DAY candles.
 * Null when market does not know the symbol, or has no FX route from its trading currency.
 *
 * Market exposes only the latest FX rate (`fxRate(base, quote)`), no historical one, so every
 * close is converted at that one rate. A constant factor cancels in every ratio: the benchmark's
 * returns are its local-currency returns, without the currency's own move (see docs/analytics.md).
 */
export async function loadBenchmarkSeries(market: MarketClient, key: BenchmarkKey): Promise<BenchmarkSeries | null> {
  const found = await market.dailyCloses(key.symbol, key.fromDay, key.toDay);
  if (!found) return null;
  let rate = new Decimal(1);
  if (found.currency !== key.currency) {
    const latest = await market.latestFxRate(found.currency, key.currency);
    if (latest === null) return null;
    rate = new Decimal(latest);
  }
  return createBenchmarkSeries(
    found.symbol,
    found.closes.map((entry) => ({ day: entry.day, close: new Decimal(entry.close).times(rate) })),
  );
}
