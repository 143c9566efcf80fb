import { money, type Money } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { HoldingRow, PortfolioRow } from '../db/schema/index.ts';
import { averageCost, positionOf } from '../domain/index.ts';

async function portfolioOf(holding: HoldingRow, _args: unknown, ctx: Context): Promise<PortfolioRow> {
  const portfolio = await ctx.loaders.portfolioById.load(holding.portfolioId);
  // Holdings are only ever loaded for owned portfolios, so this is a broken invariant.
  if (!portfolio) throw new Error(`portfolio ${holding.portfolioId} of holding ${holding.id} is not visible`);
  return portfolio;
}

export const holdingResolvers = {
  __resolveReference: (ref: { id: string }, ctx: Context): Promise<HoldingRow | null> => ctx.loaders.holdingById.load(ref.id),
  averageCost: (holding: HoldingRow): Money => money(averageCost(positionOf(holding)), holding.currency),
  costBasis: (holding: HoldingRow): Money => money(holding.costBasis, holding.currency),
  instrument: (holding: HoldingRow) => ({ __typename: 'Instrument' as const, symbol: holding.symbol }),
  portfolio: portfolioOf,
};
