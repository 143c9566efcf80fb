import { readFileSync } from 'node:fs';
import { JSONObjectResolver } from 'graphql-scalars';
import { createSubgraphServer, DateTimeScalar, DecimalScalar, type Logger, type SubgraphDefinition, type SubgraphServer } from '@nexanest/graphql';
import type { NotificationsContext } from './context.ts';
import { Mutation } from './resolvers/mutation.ts';
import { PersonalData } from './resolvers/personal-data.ts';
import { PriceAlert } from './resolvers/price-alert.ts';
import { OutboundEmail, Query } from './resolvers/query.ts';
import { Subscription } from './resolvers/subscription.ts';
import { User } from './resolvers/user.ts';

export const notificationsTypeDefs = () => readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/** Pure factory: schema and Apollo Server for the notifications subgraph. */
export function createNotificationsServer(options: { logger: Logger; production: boolean }): SubgraphServer<NotificationsContext> {
  const resolvers = {
    DateTime: DateTimeScalar,
    Decimal: DecimalScalar,
    JSONObject: JSONObjectResolver,
    Query,
    Mutation,
    Subscription,
    User,
    OutboundEmail,
    PriceAlert,
    PersonalData,
  };
  return createSubgraphServer<NotificationsContext>(
    { name: 'notifications', typeDefs: notificationsTypeDefs(), resolvers: resolvers as unknown as SubgraphDefinition<NotificationsContext>['resolvers'] },
    options,
  );
}
