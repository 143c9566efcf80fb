import { readFileSync } from 'node:fs';
import { createSubgraphServer, DateTimeScalar, type Logger, type SubgraphServer } from '@nexanest/graphql';
import type { NotificationsContext } from './context.ts';
import { Mutation } from './resolvers/mutation.ts';
import { OutboundEmail, Query } from './resolvers/query.ts';
import { User } from './resolvers/user.ts';

export const notificationsTypeDefs = () => readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/** Pure factory: schema and Apollo Server for the notifications subgraph. */
export function createNotificationsServer(options: { logger: Logger; production: boolean }): SubgraphServer<NotificationsContext> {
  return createSubgraphServer<NotificationsContext>(
    { name: 'notifications', typeDefs: notificationsTypeDefs(), resolvers: { DateTime: DateTimeScalar, Query, Mutation, User, OutboundEmail } },
    options,
  );
}
