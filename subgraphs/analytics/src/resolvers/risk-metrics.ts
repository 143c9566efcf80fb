import type { Decimal } from 'decimal.js';
import type { AnalyticsContext } from '../context.ts';
import { alignedReturns, benchmarkDays } from '../domain/benchmark.ts';
import { periodReturns } from '../domain/performance.ts';
import type { PerformanceWindow } from '../domain/performance-range.ts';
import { annualisedVolatility, beta, maxDrawdown, sharpeRatio } from '../domain/risk.ts';
import type { SnapshotPoint } from '../domain/snapshot-series.ts';
import { loadBenchmarkFor, type PortfolioRef } from './benchmark.ts';

export interface RiskMetricsParent {
  portfolio: PortfolioRef;
  points: SnapshotPoint[];
  window: PerformanceWindow;
  /** Time-weighted growth index per point. */
  index: Decimal[];
}

const dailyReturns = (parent: RiskMetricsParent) => periodReturns(parent.points).map((link) => link.value.toNumber());

export const RiskMetrics = {
  volatility: (parent: RiskMetricsParent) => annualisedVolatility(dailyReturns(parent)),
  maxDrawdown: (parent: RiskMetricsParent) => maxDrawdown(parent.index.map((growth) => growth.toNumber())),
  sharpeRatio: (parent: RiskMetricsParent, _: unknown, ctx: AnalyticsContext) => sharpeRatio(dailyReturns(parent), ctx.deps.riskFreeRate),
  beta: async (parent: RiskMetricsParent, _: unknown, ctx: AnalyticsContext) => {
    const days = benchmarkDays(parent.points, parent.window);
    if (!days || parent.points.length < 3) return null;
    const series = await loadBenchmarkFor(ctx, parent.portfolio, days);
    return series ? beta(alignedReturns(parent.points, parent.index, series)) : null;
  },
};
