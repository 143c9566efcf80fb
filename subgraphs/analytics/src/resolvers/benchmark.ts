import type { AnalyticsContext } from '../context.ts';
import { type BenchmarkSeries, lookbackStart } from '../domain/benchmark.ts';
import type { SnapshotPoint } from '../domain/snapshot-series.ts';

/** What analytics receives about a portfolio: its id, plus the fields it @requires from the portfolio subgraph. */
export interface PortfolioRef {
  id: string;
  baseCurrency?: string;
  benchmark?: { symbol: string };
}

/** The portfolio subgraph's default, used when a representation arrives without the benchmark. */
export const DEFAULT_BENCHMARK = 'SPY';

/** The currency the benchmark is converted into: the base currency, else that of the stored values. */
export const baseCurrencyOf = (portfolio: PortfolioRef, points: readonly SnapshotPoint[]) => portfolio.baseCurrency ?? points.at(-1)?.currency ?? null;

export const benchmarkSymbolOf = (portfolio: PortfolioRef) => portfolio.benchmark?.symbol ?? DEFAULT_BENCHMARK;

/** The benchmark's closes covering fromDay (with its lookback) to toDay, in `currency` (the portfolio's base currency). */
export function loadBenchmarkFor(
  ctx: AnalyticsContext,
  portfolio: PortfolioRef,
  currency: string | null,
  days: { fromDay: string; toDay: string },
): Promise<BenchmarkSeries | null> {
  return ctx.loaders.benchmark.load({ symbol: benchmarkSymbolOf(portfolio), currency, fromDay: lookbackStart(days.fromDay), toDay: days.toDay });
}
