import { money, requireIdentity } from '@nexanest/graphql';
import type { AnalyticsContext } from '../context.ts';
import { snapshotRange, withReturns, type SnapshotInterval } from '../domain/snapshot-series.ts';

export const Portfolio = {
  // Analytics keeps no portfolio rows to load: the reference is the portfolio. Ownership is
  // enforced where data is read (snapshots filter by owner), so another user's id yields nothing.
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  snapshots: async (portfolio: { id: string }, args: { from: Date; to: Date; interval: SnapshotInterval }, ctx: AnalyticsContext) => {
    requireIdentity(ctx.identity);
    const range = snapshotRange(args.from, args.to);
    const points = await ctx.loaders.snapshotSeries.load({ portfolioId: portfolio.id, ...range, interval: args.interval });
    return withReturns(points).map((point) => ({ ...point, totalValue: money(point.totalValue, point.currency) }));
  },
};
