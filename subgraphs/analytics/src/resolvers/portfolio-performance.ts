import { money } from '@nexanest/graphql';
import type { AnalyticsContext } from '../context.ts';
import { benchmarkDays, benchmarkReturn } from '../domain/benchmark.ts';
import type { Performance } from '../domain/performance.ts';
import type { PerformanceWindow } from '../domain/performance-range.ts';
import type { SnapshotPoint } from '../domain/snapshot-series.ts';
import { benchmarkSymbolOf, loadBenchmarkFor, type PortfolioRef } from './benchmark.ts';

export interface PerformanceParent {
  portfolio: PortfolioRef;
  points: SnapshotPoint[];
  window: PerformanceWindow;
  measured: Performance | null;
}

/** The figures are computed when the field is resolved; only the benchmark asks market, and only when selected. */
export const PortfolioPerformance = {
  simpleReturn: (parent: PerformanceParent) => parent.measured?.simpleReturn ?? null,
  timeWeightedReturn: (parent: PerformanceParent) => parent.measured?.timeWeightedReturn ?? null,
  moneyWeightedReturn: (parent: PerformanceParent) => parent.measured?.moneyWeightedReturn ?? null,
  startValue: (parent: PerformanceParent) => (parent.measured ? money(parent.measured.startValue, parent.measured.currency) : null),
  endValue: (parent: PerformanceParent) => (parent.measured ? money(parent.measured.endValue, parent.measured.currency) : null),
  benchmarkSymbol: (parent: PerformanceParent) => benchmarkSymbolOf(parent.portfolio),
  benchmarkReturn: async (parent: PerformanceParent, _: unknown, ctx: AnalyticsContext) => {
    const days = benchmarkDays(parent.points, parent.window);
    if (!days) return null;
    const series = await loadBenchmarkFor(ctx, parent.portfolio, days);
    return series ? benchmarkReturn(series, days.fromDay, days.toDay) : null;
  },
};
