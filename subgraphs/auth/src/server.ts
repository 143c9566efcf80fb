import { readFileSync } from 'node:fs';
import { JSONObjectResolver } from 'graphql-scalars';
import { createSubgraphServer, DateTimeScalar, type Logger, type SubgraphServer } from '@nexanest/graphql';
import type { AuthContext } from './context.ts';
import { Mutation } from './resolvers/mutation.ts';
import { PersonalData } from './resolvers/personal-data.ts';
import { Query } from './resolvers/query.ts';
import { User } from './resolvers/user.ts';

export const authTypeDefs = () => readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/** Pure factory: schema and Apollo Server for the auth subgraph. `listen` starts it. */
export function createAuthServer(options: { logger: Logger; production: boolean }): SubgraphServer<AuthContext> {
  return createSubgraphServer<AuthContext>(
    {
      name: 'auth',
      typeDefs: authTypeDefs(),
      resolvers: { DateTime: DateTimeScalar, JSONObject: JSONObjectResolver, Query, Mutation, User, PersonalData } as never,
    },
    options,
  );
}
