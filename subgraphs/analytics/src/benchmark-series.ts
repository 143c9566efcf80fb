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
 * The benchmark's daily closes in the portfolio's base currency, from market's ONE_DAY candles,
 * each converted at the FX rate of its own day (market's FX history, triangulated through USD):
 * `close_in_base(d) = close(d) x FX(benchmark currency -> base, d)`, so a return includes the
 * currency's move over the window. A close whose day has no rate is left out (never converted at
 * 0 or 1); the lookback of closeAsOf then finds an earlier converted close, or none.
 * Null when market does not know the symbol.
 */
export async function loadBenchmarkSeries(market: MarketClient, key: BenchmarkKey): Promise<BenchmarkSeries | null> {
  const found = await market.dailyCloses(key.symbol, key.fromDay, key.toDay);
  if (!found) return null;
  if (found.currency === key.currency) return createBenchmarkSeries(found.symbol, found.closes);
  const rates = await market.fxHistory(found.currency, key.currency, key.fromDay, key.toDay);
  const converted = found.closes.flatMap((entry) => {
    const rate = rates.get(entry.day);
    return rate ? [{ day: entry.day, close: new Decimal(entry.close).times(rate) }] : [];
  });
  return createBenchmarkSeries(found.symbol, converted);
}
