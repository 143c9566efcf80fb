import { requireScope, type MarketClient } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { PortfolioRow } from '../db/schema/index.ts';
import { deleteTransaction } from '../services/delete-transaction.ts';
import { archivePortfolio, setPortfolioBenchmark, updatePortfolio, type UpdatePortfolioInput } from '../services/update-portfolio.ts';

/** Forgets what this request has read of a portfolio, so the answer shows it after the write. */
function forget(ctx: Context, portfolio: PortfolioRow | { id: string; ownerId?: string }): void {
  ctx.cache.changed({ portfolioId: portfolio.id, ...(portfolio.ownerId ? { ownerId: portfolio.ownerId } : {}) });
  ctx.loaders.portfolioById.clear(portfolio.id);
  if ('name' in portfolio) ctx.loaders.portfolioById.prime(portfolio.id, portfolio);
  ctx.loaders.holdingsByPortfolio.clear(portfolio.id);
  ctx.loaders.cashByPortfolio.clear(portfolio.id);
  ctx.loaders.firstLedgerPage.clearAll();
}

/** Mutations on an existing portfolio: settings, archiving, removing ledger entries. */
export function createPortfolioMutationResolvers(deps: { market: MarketClient }) {
  return {
    async updatePortfolio(_parent: unknown, args: { id: string; input: UpdatePortfolioInput }, ctx: Context): Promise<PortfolioRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await updatePortfolio(await ctx.db(), identity, args.id, args.input);
      forget(ctx, row);
      return row;
    },
    async archivePortfolio(_parent: unknown, args: { id: string }, ctx: Context): Promise<PortfolioRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await archivePortfolio(await ctx.db(), identity, args.id);
      forget(ctx, row);
      return row;
    },
    async deleteTransaction(_parent: unknown, args: { id: string }, ctx: Context): Promise<boolean> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const { portfolioId } = await deleteTransaction(await ctx.db(), identity, args.id);
      forget(ctx, { id: portfolioId, ownerId: identity.userId });
      return true;
    },
    async setPortfolioBenchmark(_parent: unknown, args: { portfolioId: string; symbol: string }, ctx: Context): Promise<PortfolioRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await setPortfolioBenchmark(await ctx.db(), deps.market, identity, args.portfolioId, args.symbol);
      forget(ctx, row);
      return row;
    },
  };
}
