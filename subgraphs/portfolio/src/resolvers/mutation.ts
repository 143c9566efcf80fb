import { requireScope } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { PortfolioRow, TransactionRow } from '../db/schema/index.ts';
import { createPortfolio, type CreatePortfolioInput } from '../services/create-portfolio.ts';
import { recordTransaction, type RecordTransactionDeps, type RecordTransactionInput } from '../services/record-transaction.ts';

export function createMutationResolvers(deps: RecordTransactionDeps) {
  return {
    async createPortfolio(_parent: unknown, args: { input: CreatePortfolioInput }, ctx: Context): Promise<PortfolioRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await createPortfolio(await ctx.db(), identity, args.input);
      ctx.cache.changed({ ownerId: row.ownerId });
      ctx.loaders.portfolioById.prime(row.id, row);
      return row;
    },
    async recordTransaction(_parent: unknown, args: { input: RecordTransactionInput }, ctx: Context): Promise<TransactionRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      const row = await recordTransaction(await ctx.db(), deps, identity, args.input);
      ctx.cache.changed({ portfolioId: row.portfolioId, ownerId: identity.userId });
      // The answer selects the portfolio's holdings: read them after the write, not from cache.
      ctx.loaders.holdingsByPortfolio.clear(row.portfolioId);
      ctx.loaders.cashByPortfolio.clear(row.portfolioId);
      ctx.loaders.firstLedgerPage.clearAll();
      return row;
    },
  };
}
