import { notFound, requireScope } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { PortfolioRow } from '../db/schema/index.ts';

export const queryResolvers = {
  /** Only the owner sees a portfolio; anyone else gets the same NOT_FOUND as for a missing one. */
  async portfolio(_parent: unknown, args: { id: string }, ctx: Context): Promise<PortfolioRow> {
    requireScope(ctx.identity, 'portfolio:read');
    const row = await ctx.loaders.portfolioById.load(args.id);
    if (!row) throw notFound('Portfolio');
    return row;
  },
};
