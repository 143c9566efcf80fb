import { money, type Money } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { HoldingRow, PortfolioRow } from '../db/schema/index.ts';
import { listTransactions, TRANSACTIONS_PAGE_DEFAULT, TRANSACTIONS_PAGE_MAX, type TransactionConnection } from '../services/list-transactions.ts';

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
  transactions: async (portfolio: PortfolioRow, args: { first?: number | null; after?: string | null }, ctx: Context): Promise<TransactionConnection> => {
    const first = args.first ?? TRANSACTIONS_PAGE_DEFAULT;
    // The first page may come from the cache; `first` is checked by listTransactions on a miss, and here.
    if (!args.after && Number.isInteger(first) && first >= 0 && first <= TRANSACTIONS_PAGE_MAX)
      return ctx.loaders.firstLedgerPage.load(`${portfolio.id}|${first}`);
    return listTransactions(await ctx.db(), portfolio.id, args);
  },
};
