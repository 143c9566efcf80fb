import { hasScope, requireSignedInUser } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { PortfolioRow } from '../db/schema/index.ts';
import type { AuthClient } from '../auth-client.ts';
import { grantPortfolioAccess, revokePortfolioAccess } from '../services/portfolio-access.ts';

interface AccessArgs {
  portfolioId: string;
  advisorEmail: string;
}

/** Advisor access: owners grant and revoke (signed in, not through an API key); advisors list their clients' portfolios. */
export function createAccessResolvers(deps: { auth: AuthClient }) {
  return {
    Mutation: {
      async grantPortfolioAccess(_parent: unknown, args: AccessArgs, ctx: Context): Promise<PortfolioRow> {
        const identity = requireSignedInUser(ctx.identity);
        const row = await grantPortfolioAccess(await ctx.db(), deps.auth, identity, args.portfolioId, args.advisorEmail);
        // Access itself is never cached; the portfolio's entries are dropped all the same.
        ctx.cache.changed({ portfolioId: row.id, ownerId: row.ownerId });
        return row;
      },
      async revokePortfolioAccess(_parent: unknown, args: AccessArgs, ctx: Context): Promise<PortfolioRow> {
        const identity = requireSignedInUser(ctx.identity);
        const row = await revokePortfolioAccess(await ctx.db(), deps.auth, identity, args.portfolioId, args.advisorEmail);
        ctx.cache.changed({ portfolioId: row.id, ownerId: row.ownerId });
        return row;
      },
    },
    User: {
      /** Only the advisor themself sees their client portfolios; anyone else gets an empty list. */
      async clientPortfolios(user: { id: string }, _args: unknown, ctx: Context): Promise<PortfolioRow[]> {
        const identity = ctx.identity;
        if (identity?.role !== 'ADVISOR' || identity.userId.toLowerCase() !== user.id.toLowerCase()) return [];
        if (!hasScope(identity, 'portfolio:read')) return [];
        return ctx.loaders.portfoliosGrantedTo.load(identity.userId.toLowerCase());
      },
    },
  };
}
