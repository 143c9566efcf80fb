import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, print, type ExecutionResult, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { ServiceMap } from '@apollo/gateway';
import type { Identity, Logger } from '@nexanest/graphql';
import { authenticate, type Caller, createGatewayContext, type GatewayContext, type IdentityDeps, requireLiveSession } from '../context.ts';
import { validateWithLimits } from '../limits/validate-with-limits.ts';
import { executeSubscription } from './execute-subscription.ts';
import type { SubscriptionPlanner } from './planner.ts';
import { createUpstreamClients, type UpstreamClients } from './upstream.ts';

export interface WsServerDeps {
  httpServer: http.Server;
  apollo: ApolloServer<GatewayContext>;
  planner: SubscriptionPlanner;
  serviceMap: ServiceMap;
  subgraphUrls: Record<string, string>;
  identity: IdentityDeps;
  logger: Logger;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** The query limits (depth, aliases, cost, directives) checked on every subscribed operation. */
  validationRules?: readonly ValidationRule[];
}

interface ConnectionState {
  caller: Caller | null;
  identity: Identity | null;
  upstream: UpstreamClients;
  expiry: NodeJS.Timeout | undefined;
}

const asFormatted = (error: unknown): GraphQLFormattedError => (error instanceof GraphQLError ? error.toJSON() : (error as GraphQLFormattedError));

/**
 * graphql-ws on /graphql (protocol graphql-transport-ws). Subscriptions go through the
 * planner-driven executor; queries and mutations sent over the socket go through Apollo Server
 * like any HTTP request. Identity comes from `authorization` in connection_init.
 */
export function attachWebSocketServer(deps: WsServerDeps) {
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql' });
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object) => {
    const state = states.get(extra);
    if (!state) throw new Error('connection was not initialised');
    return state;
  };
  const formatResult = (result: ExecutionResult): ExecutionResult =>
    result.errors ? ({ ...result, errors: result.errors.map((e) => deps.formatError(asFormatted(e), e)) } as unknown as ExecutionResult) : result;

  /** An error result when the connection's session was logged out or its token expired. */
  const sessionEnded = async (state: ConnectionState): Promise<ExecutionResult | null> => {
    try {
      await requireLiveSession(state.caller, deps.identity);
      return null;
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
  };

  const handle = useServer(
    {
      schema: deps.planner.apiGraphQLSchema,
      validate: (schema, document) => validateWithLimits(schema, document, deps.validationRules ?? []),
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        let caller: Caller | null;
        try {
          caller = await authenticate({ authorization: typeof header === 'string' ? header : undefined }, deps.identity);
        } catch {
          return false; // closes with 4403 Forbidden: a bad token is refused, not downgraded
        }
        const identity = caller?.identity ?? null;
        const upstream = createUpstreamClients({
          urls: deps.subgraphUrls,
          identityToken: () => createGatewayContext(identity, deps.identity).identityToken(),
        });
        // The socket lives no longer than the token it was opened with; the client reconnects
        // with a fresh one (4401 Unauthorized).
        const expiresAt = caller?.expiresAt;
        const expiry = expiresAt
          ? setTimeout(() => ctx.extra.socket.close(CloseCode.Unauthorized, 'Access token expired'), Math.max(0, expiresAt.getTime() - Date.now()))
          : undefined;
        states.set(ctx.extra, { caller, identity, upstream, expiry });
        return true;
      },
      onClose: async (ctx) => {
        const state = states.get(ctx.extra);
        clearTimeout(state?.expiry);
        await state?.upstream.dispose();
      },
      subscribe: async (args) => {
        const state = stateOf((args.contextValue as { extra: object }).extra);
        const ended = await sessionEnded(state);
        if (ended) return ended;
        const query = print(args.document);
        const plan = deps.planner.plan(args.document, args.operationName ?? undefined, `${args.operationName ?? ''}:${query}`);
        return executeSubscription(
          {
            plan,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            contextForEvent: () => createGatewayContext(state.identity, deps.identity),
          },
          { planner: deps.planner, serviceMap: deps.serviceMap, upstream: state.upstream, logger: deps.logger },
        );
      },
      execute: async (args) => {
        const state = stateOf((args.contextValue as { extra: object }).extra);
        const ended = await sessionEnded(state);
        if (ended) return ended;
        const response = await deps.apollo.executeOperation(
          { query: print(args.document), variables: (args.variableValues ?? {}) as Record<string, unknown>, operationName: args.operationName ?? undefined },
          { contextValue: createGatewayContext(state.identity, deps.identity) },
        );
        if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported over WebSocket');
        return response.body.singleResult as ExecutionResult;
      },
      context: (ctx) => ({ extra: ctx.extra }),
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result as ExecutionResult),
    },
    wss,
  );
  return {
    async close() {
      await handle.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
