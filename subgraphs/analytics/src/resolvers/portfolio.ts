import { money, requireIdentity, requireScope } from '@nexanest/graphql';
import type { AnalyticsContext } from '../context.ts';
import { benchmarkDays } from '../domain/benchmark.ts';
import { growthIndex, measurePerformance } from '../domain/performance.ts';
import { performanceWindow, type PerformanceRange } from '../domain/performance-range.ts';
import { performanceSeries } from '../domain/performance-series.ts';
import { snapshotRange, withReturns, type SnapshotInterval } from '../domain/snapshot-series.ts';
import { loadBenchmarkFor, type PortfolioRef } from './benchmark.ts';
import type { PerformanceParent } from './portfolio-performance.ts';
import type { RiskMetricsParent } from './risk-metrics.ts';

/**
 * Whose snapshots the caller may read for this portfolio: the owner's own, or, for an ADVISOR,
 * the owner's as vouched by the portfolio subgraph (it only hands out a client portfolio, and so
 * its `owner { id }`, to an advisor while a grant stands). Anyone else reads nothing.
 */
function readableOwner(portfolio: PortfolioRef, ctx: AnalyticsContext): string | null {
  const identity = ctx.identity;
  const ownerId = portfolio.owner?.id?.toLowerCase();
  if (!identity || !ownerId) return null;
  if (identity.userId.toLowerCase() === ownerId || identity.role === 'ADVISOR') return ownerId;
  return null;
}

async function windowOf(portfolio: PortfolioRef, range: PerformanceRange, ctx: AnalyticsContext) {
  requireScope(ctx.identity, 'portfolio:read');
  const ownerId = readableOwner(portfolio, ctx);
  const points = ownerId ? await ctx.loaders.windowPoints.load({ portfolioId: portfolio.id, ownerId, range }) : [];
  return { points, window: performanceWindow(range, ctx.now) };
}

export const Portfolio = {
  // Analytics keeps no portfolio rows to load: the reference (with the fields it @requires) is
  // the portfolio. Reads filter snapshots by the vouched owner (readableOwner), so another
  // user's portfolio yields nothing.
  __resolveReference: (ref: PortfolioRef) => ref,

  snapshots: async (portfolio: PortfolioRef, args: { from: Date; to: Date; interval: SnapshotInterval }, ctx: AnalyticsContext) => {
    requireIdentity(ctx.identity);
    const range = snapshotRange(args.from, args.to);
    const ownerId = readableOwner(portfolio, ctx);
    const points = ownerId ? await ctx.loaders.snapshotSeries.load({ portfolioId: portfolio.id, ownerId, ...range, interval: args.interval }) : [];
    return withReturns(points).map((point) => ({ ...point, totalValue: money(point.totalValue, point.currency) }));
  },

  performance: async (portfolio: PortfolioRef, args: { range: PerformanceRange }, ctx: AnalyticsContext): Promise<PerformanceParent> => {
    const { points, window } = await windowOf(portfolio, args.range, ctx);
    return { portfolio, points, window, measured: measurePerformance(points) };
  },

  performanceSeries: async (portfolio: PortfolioRef, args: { range: PerformanceRange; interval: SnapshotInterval }, ctx: AnalyticsContext) => {
    const { points, window } = await windowOf(portfolio, args.range, ctx);
    if (points.length === 0) return [];
    const days = benchmarkDays(points, window);
    const benchmark = days ? await loadBenchmarkFor(ctx, portfolio, days) : null;
    return performanceSeries(points, growthIndex(points), args.interval, benchmark);
  },

  riskMetrics: async (portfolio: PortfolioRef, args: { window: PerformanceRange }, ctx: AnalyticsContext): Promise<RiskMetricsParent> => {
    const { points, window } = await windowOf(portfolio, args.window, ctx);
    return { portfolio, points, window, index: growthIndex(points) };
  },
};
