import { hasScope } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { PortfolioRow } from '../db/schema/index.ts';

interface UserRef {
  id: string;
}

export const userResolvers = {
  __resolveReference: (ref: UserRef): UserRef => ({ id: ref.id }),
  /** Nobody reads portfolios that are not theirs: another user's list is empty. */
  async portfolios(user: UserRef, _args: unknown, ctx: Context): Promise<PortfolioRow[]> {
    if (!ctx.identity || ctx.identity.userId.toLowerCase() !== user.id.toLowerCase() || !hasScope(ctx.identity, 'portfolio:read')) return [];
    return ctx.loaders.portfoliosByOwner.load(user.id);
  },
};
