import { money, type Money } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { PortfolioRow, TransactionRow } from '../db/schema/index.ts';

export const transactionResolvers = {
  amount: (transaction: TransactionRow): Money => money(transaction.amount, transaction.currency),
  async portfolio(transaction: TransactionRow, _args: unknown, ctx: Context): Promise<PortfolioRow> {
    const portfolio = await ctx.loaders.portfolioById.load(transaction.portfolioId);
    if (!portfolio) throw new Error(`portfolio ${transaction.portfolioId} of transaction ${transaction.id} is not visible`);
    return portfolio;
  },
};
