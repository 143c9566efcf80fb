import { money, type Money } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { HoldingRow, PortfolioRow } from '../db/schema/index.ts';
import { listTransactions, type TransactionConnection } from '../services/list-transactions.ts';

export const portfolioResolvers = {
  /** Entity fetches (market's @requires, other subgraphs) see only the caller's portfolios. */
  __resolveReference: (ref: { id: string }, ctx: Context): Promise<PortfolioRow | null> => ctx.loaders.portfolioById.load(ref.id),
  owner: (portfolio: PortfolioRow) => ({ __typename: 'User' as const, id: portfolio.ownerId }),
  benchmark: (portfolio: PortfolioRow) => ({ __typename: 'Instrument' as const, symbol: portfolio.benchmarkSymbol }),
  holdings: (portfolio: PortfolioRow, _args: unknown, ctx: Context): Promise<HoldingRow[]> => ctx.loaders.holdingsByPortfolio.load(portfolio.id),
  async cashBalances(portfolio: PortfolioRow, _args: unknown, ctx: Context): Promise<Money[]> {
    const rows = await ctx.loaders.cashByPortfolio.load(portfolio.id);
    return rows.map((row) => money(row.amount, row.currency));
  },
  // The portfolio was read through the caller's scope, so its ledger is theirs to read too.
  transactions: async (portfolio: PortfolioRow, args: { first?: number | null; after?: string | null }, ctx: Context): Promise<TransactionConnection> =>
    listTransactions(await ctx.db(), portfolio.id, args),
};
