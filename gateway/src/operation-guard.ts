import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';

const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

/**
 * Caller mistakes that @apollo/gateway would only notice while executing, and answer with a 500:
 * an operationName the document does not define, and a subscription sent over HTTP (the gateway
 * serves subscriptions over graphql-ws only). Both become 400 BAD_USER_INPUT before any plan runs.
 */
export const operationGuardPlugin: ApolloServerPlugin<BaseContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (!operation) {
          throw refuse(
            request.operationName
              ? `The document has no operation named ${JSON.stringify(request.operationName)}`
              : 'Name the operation to run: the document has several',
          );
        }
        if (operation.operation === 'subscription') throw refuse('Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql, not over HTTP');
      },
    };
  },
};
