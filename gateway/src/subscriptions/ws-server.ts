import type http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { GraphQLError, print, type ExecutionResult, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { ServiceMap } from '@apollo/gateway';
import type { Identity, Logger } from '@nexanest/graphql';
import {
  authenticate,
  type Caller,
  createGatewayContext,
  type GatewayContext,
  type IdentityDeps,
  isSessionStoreUnavailable,
  requireLiveSession,
} from '../context.ts';
import { validateWithLimits } from '../limits/validate-with-limits.ts';
import type { SubscriptionPlanner } from './planner.ts';
import { createSharedUpstreams } from './shared-upstreams.ts';
import { createSocketOutbox, webSocketTransport } from './socket-outbox.ts';
import { createSubscriptionHub } from './subscription-hub.ts';

/** Subgraphs whose answers do not depend on who asks: market's prices and reference data are public. */
export const IDENTITY_FREE_SUBGRAPHS: ReadonlySet<string> = new Set(['market']);

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
  /** Ping every client this often; one that has not answered the previous ping is closed. */
  heartbeatMs: number;
  /** Time a client has to send connection_init (graphql-ws closes it with 4408 after that; default 10 s). */
  connectionInitTimeoutMs?: number;
  /** Events a slow subscriber may have waiting before its oldest are dropped. */
  subscriberQueueLimit: number;
}

interface ConnectionState {
  caller: Caller | null;
  identity: Identity | null;
  expiry: NodeJS.Timeout | undefined;
}

/** What graphql-ws hands the execute and subscribe hooks: the connection and the subscription's id. */
interface SocketContext {
  extra: Extra;
  id: string;
}

const asFormatted = (error: unknown): GraphQLFormattedError => (error instanceof GraphQLError ? error.toJSON() : (error as GraphQLFormattedError));

/**
 * graphql-ws on /graphql (protocol graphql-transport-ws). Subscriptions go through the
 * planner-driven executor; queries and mutations sent over the socket go through Apollo Server
 * like any HTTP request. Identity comes from `authorization` in connection_init.
 */
export function attachWebSocketServer(deps: WsServerDeps) {
  // No per-message compression (ws's default, stated): small JSON ticks gain little, and deflate
  // costs CPU and a zlib context per client.
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql', perMessageDeflate: false });
  const upstreams = createSharedUpstreams({
    urls: deps.subgraphUrls,
    identityToken: (identity) => deps.identity.sign(identity),
    keepAliveMs: deps.heartbeatMs,
  });
  const formatResult = (result: ExecutionResult): ExecutionResult =>
    result.errors ? ({ ...result, errors: result.errors.map((e) => deps.formatError(asFormatted(e), e)) } as unknown as ExecutionResult) : result;
  const hub = createSubscriptionHub({
    planner: deps.planner,
    serviceMap: deps.serviceMap,
    upstreams,
    contextFor: (identity) => createGatewayContext(identity, deps.identity),
    identityFreeServices: IDENTITY_FREE_SUBGRAPHS,
    queueLimit: deps.subscriberQueueLimit,
    serialize: (result) => JSON.stringify(formatResult(result)),
    logger: deps.logger,
  });
  const heartbeat = startHeartbeat(wss, deps.heartbeatMs);
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object) => {
    const state = states.get(extra);
    if (!state) throw new Error('connection was not initialised');
    return state;
  };

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
      connectionInitWaitTimeout: deps.connectionInitTimeoutMs ?? 10_000,
      validate: (schema, document) => validateWithLimits(schema, document, deps.validationRules ?? []),
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        let caller: Caller | null;
        try {
          caller = await authenticate({ authorization: typeof header === 'string' ? header : undefined }, deps.identity);
        } catch (error) {
          // Redis is away: 1013 Try Again Later, which graphql-ws clients retry (4403 they would not).
          if (isSessionStoreUnavailable(error)) ctx.extra.socket.close(1013, 'Sign-in cannot be checked right now');
          return false; // closes with 4403 Forbidden: a bad token is refused, not downgraded
        }
        const identity = caller?.identity ?? null;
        // The socket lives no longer than the token it was opened with; the client reconnects
        // with a fresh one (4401 Unauthorized).
        const expiresAt = caller?.expiresAt;
        const expiry = expiresAt
          ? setTimeout(() => ctx.extra.socket.close(CloseCode.Unauthorized, 'Access token expired'), Math.max(0, expiresAt.getTime() - Date.now()))
          : undefined;
        states.set(ctx.extra, { caller, identity, expiry });
        return true;
      },
      onClose: async (ctx) => {
        const state = states.get(ctx.extra);
        clearTimeout(state?.expiry);
      },
      // Events do not pass through graphql-ws: the outbox writes them to the socket itself (one
      // serialisation per group and event); graphql-ws sees an iterator that ends with the stream.
      subscribe: async (args) => {
        const { extra, id } = args.contextValue as SocketContext;
        const state = stateOf(extra);
        const ended = await sessionEnded(state);
        if (ended) return ended;
        const planKey = `${args.operationName ?? ''}:${print(args.document)}`;
        const plan = deps.planner.plan(args.document, args.operationName ?? undefined, planKey);
        let leave = () => {};
        const outbox = createSocketOutbox(webSocketTransport(extra.socket, extra.request.socket), {
          id,
          limit: deps.subscriberQueueLimit,
          onReturn: () => leave(),
        });
        leave = hub.subscribe(plan, planKey, (args.variableValues ?? {}) as Record<string, unknown>, state.identity, outbox);
        return outbox;
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
      context: (ctx, id): SocketContext => ({ extra: ctx.extra, id }),
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result as ExecutionResult),
    },
    wss,
  );
  return {
    hub,
    upstreams,
    connections: () => wss.clients.size,
    /** Completes every subscription, closes every socket (1001 Going Away) and the upstreams. */
    async close() {
      clearInterval(heartbeat);
      hub.close();
      // Let graphql-ws send the `complete` messages before the sockets go.
      await new Promise((resolve) => setImmediate(resolve));
      await handle.dispose();
      await upstreams.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Pings every client each interval and closes the ones that did not answer the previous ping:
 * half-open connections (a phone that lost its network) would otherwise hold subscriptions forever.
 */
function startHeartbeat(wss: WebSocketServer, intervalMs: number): NodeJS.Timeout {
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return timer;
}
