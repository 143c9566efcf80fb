import type { AnalyticsContext } from '../context.ts';
import { type BenchmarkSeries, lookbackStart } from '../domain/benchmark.ts';

/**
 * What analytics receives about a portfolio: its id, plus, for the fields that @requires them,
 * its base currency and benchmark from the portfolio subgraph.
 */
export interface PortfolioRef {
  id: string;
  baseCurrency?: string;
  benchmark?: { symbol: string };
  owner?: { id: string };
}

/** The gateway always sends the @requires fields; their absence is a planning bug, never the caller's fault. */
function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Error(`Portfolio representation without ${field}: @requires was not honoured`);
  return value;
}

export const benchmarkSymbolOf = (portfolio: PortfolioRef) => required(portfolio.benchmark, 'benchmark').symbol;
export const baseCurrencyOf = (portfolio: PortfolioRef) => required(portfolio.baseCurrency, 'baseCurrency');

/** The benchmark's closes covering fromDay (with its lookback) to toDay, in the portfolio's base currency. */
export function loadBenchmarkFor(ctx: AnalyticsContext, portfolio: PortfolioRef, days: { fromDay: string; toDay: string }): Promise<BenchmarkSeries | null> {
  return ctx.loaders.benchmark.load({
    symbol: benchmarkSymbolOf(portfolio),
    currency: baseCurrencyOf(portfolio),
    fromDay: lookbackStart(days.fromDay),
    toDay: days.toDay,
  });
}
