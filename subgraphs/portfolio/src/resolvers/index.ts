import { JSONObjectResolver } from 'graphql-scalars';
import { DateTimeScalar, DecimalScalar, type SubgraphDefinition } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { RecordTransactionDeps } from '../services/record-transaction.ts';
import type { AuthClient } from '../auth-client.ts';
import { createAccessResolvers } from './access.ts';
import { holdingResolvers } from './holding.ts';
import { instrumentResolvers } from './instrument.ts';
import { createMutationResolvers } from './mutation.ts';
import { personalDataResolvers } from './personal-data.ts';
import { portfolioResolvers } from './portfolio.ts';
import { allocationRuleResolvers, createPlanningMutationResolvers, goalResolvers, portfolioPlanningResolvers } from './planning.ts';
import { createPortfolioMutationResolvers } from './portfolio-mutations.ts';
import { queryResolvers } from './query.ts';
import { transactionResolvers } from './transaction.ts';
import { userResolvers } from './user.ts';
import { createWatchlistMutationResolvers, userWatchlistResolvers, watchlistItemResolvers, watchlistResolvers } from './watchlist.ts';

export type Resolvers = SubgraphDefinition<Context>['resolvers'];

type MutationResolver = (parent: unknown, args: never, ctx: Context) => Promise<unknown>;

/** Every mutation stops its request from reading the cache before it writes (see RequestCache). */
function writingFirst<T extends Record<string, MutationResolver>>(resolvers: T): T {
  return Object.fromEntries(
    Object.entries(resolvers).map(([name, resolve]) => [
      name,
      (parent: unknown, args: unknown, ctx: Context) => {
        ctx.cache.writing();
        return resolve(parent, args as never, ctx);
      },
    ]),
  ) as unknown as T;
}

/** Every resolver of the portfolio subgraph, one module per GraphQL type. */
export function createResolvers(deps: RecordTransactionDeps & { auth: AuthClient }): Resolvers {
  const access = createAccessResolvers(deps);
  return {
    DateTime: DateTimeScalar,
    Decimal: DecimalScalar,
    JSONObject: JSONObjectResolver,
    Query: queryResolvers,
    Mutation: writingFirst({
      ...createMutationResolvers(deps),
      ...createPortfolioMutationResolvers(deps),
      ...createWatchlistMutationResolvers(deps),
      ...createPlanningMutationResolvers(deps),
      ...access.Mutation,
    }),
    User: { ...userResolvers, ...userWatchlistResolvers, ...access.User },
    Portfolio: { ...portfolioResolvers, ...portfolioPlanningResolvers },
    Holding: holdingResolvers,
    Instrument: instrumentResolvers,
    Transaction: transactionResolvers,
    Watchlist: watchlistResolvers,
    Goal: goalResolvers,
    AllocationRule: allocationRuleResolvers,
    WatchlistItem: watchlistItemResolvers,
    PersonalData: personalDataResolvers,
  };
}
