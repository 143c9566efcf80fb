import { z } from 'zod';
import { baseEnvSchema, loadEnv, port, productionGuard } from '@nexanest/config';
import type { QueryLimits } from './limits/query-limits.ts';

const optionalUrl = z.string().url().optional();

/** The gateway's settings. Subgraph URLs override the routing URLs of the committed supergraph. */
export const gatewayEnvSchema = baseEnvSchema
  .extend({
    GATEWAY_PORT: port(8000),
    /**
     * Processes serving the gateway's port. Above 1, gateway/src/main.ts becomes a node:cluster
     * primary of that many workers; APQ and query-plan caches are then per worker.
     */
    GATEWAY_WORKERS: z.coerce.number().int().min(1).max(256).default(1),
    /** Path of the composed supergraph; the gateway never introspects subgraphs. */
    SUPERGRAPH_PATH: z.string().optional(),
    AUTH_SUBGRAPH_URL: optionalUrl,
    PORTFOLIO_SUBGRAPH_URL: optionalUrl,
    MARKET_SUBGRAPH_URL: optionalUrl,
    ANALYTICS_SUBGRAPH_URL: optionalUrl,
    NOTIFICATIONS_SUBGRAPH_URL: optionalUrl,
    /** A subgraph that has not answered in this time fails its part of the request. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Largest request body accepted, in bytes. */
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
    /** Deepest selection nesting an operation may have (introspection fields not counted). */
    MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(12),
    /** Most aliases an operation may use (`__typename` aliases not counted). */
    MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(15),
    /** Highest graphql-armor cost (object 2, scalar 1, times 1.5 per level of depth). */
    MAX_QUERY_COST: z.coerce.number().int().min(1).default(5000),
    /** Most lexical tokens a document may have; checked before it is parsed into a tree. */
    MAX_QUERY_TOKENS: z.coerce.number().int().min(1).default(2000),
    /** Most directives an operation may use. */
    MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).default(20),
    /** Time each health check (a subgraph's readiness, a Redis ping) gets before it counts as failing. */
    HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).default(2_000),
    /** WebSocket heartbeat: clients (and upstream subgraph sockets) are pinged this often; a silent one is closed. */
    WS_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
    /**
     * Time a WebSocket client has to send connection_init before it is closed with 4408
     * (graphql-ws's default is 3 s; a burst of thousands of handshakes on a busy gateway takes longer).
     */
    WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** Subscription events a slow client may have waiting before its oldest are dropped. */
    WS_SUBSCRIBER_QUEUE: z.coerce.number().int().min(1).default(256),
    /** Size of the in-memory LRU cache of automatic persisted queries, in bytes of query text. */
    APQ_CACHE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(8 * 1024 * 1024),
    /** On SIGTERM, requests in flight get this long to finish before their connections are closed. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** GraphiQL at `/` and, for a browser, at `/graphql`. Default: on, except in production. */
    GATEWAY_PLAYGROUND: z.enum(['on', 'off']).optional(),
    /** An operation's parallel query fetches to one subgraph go as one HTTP request (gateway/src/fetch-batching.ts). */
    GATEWAY_FETCH_BATCHING: z.enum(['on', 'off']).default('on'),
    /**
     * Public entities (every field selected hinted with @cacheControl in the supergraph) answered from
     * memory for their maxAge, e.g. an instrument's latest price for 2 s (gateway/src/entity-cache/).
     * On by default since the bench showed it pays once the subgraphs got leaner (docs/bench.md);
     * `off` when no price may lag, even by 2 s.
     */
    GATEWAY_ENTITY_CACHE: z.enum(['on', 'off']).default('on'),
  })
  // Production names every subgraph: the supergraph's routing URLs are local development addresses.
  .superRefine(productionGuard(['AUTH_SUBGRAPH_URL', 'PORTFOLIO_SUBGRAPH_URL', 'MARKET_SUBGRAPH_URL', 'ANALYTICS_SUBGRAPH_URL', 'NOTIFICATIONS_SUBGRAPH_URL']));

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayEnv = (source: NodeJS.ProcessEnv = process.env) => loadEnv(gatewayEnvSchema, source);

/** Routing URL overrides by subgraph name, from the environment. */
export function subgraphUrlOverrides(env: GatewayEnv): Record<string, string> {
  const entries = {
    auth: env.AUTH_SUBGRAPH_URL,
    portfolio: env.PORTFOLIO_SUBGRAPH_URL,
    market: env.MARKET_SUBGRAPH_URL,
    analytics: env.ANALYTICS_SUBGRAPH_URL,
    notifications: env.NOTIFICATIONS_SUBGRAPH_URL,
  };
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** The query limits the environment sets (see `limits/query-limits.ts`). */
export function queryLimitsFrom(env: GatewayEnv): QueryLimits {
  return {
    maxDepth: env.MAX_QUERY_DEPTH,
    maxAliases: env.MAX_QUERY_ALIASES,
    maxCost: env.MAX_QUERY_COST,
    maxTokens: env.MAX_QUERY_TOKENS,
    maxDirectives: env.MAX_QUERY_DIRECTIVES,
  };
}

/** Whether the gateway serves the playground: GATEWAY_PLAYGROUND when set, else everywhere but production. */
export const playgroundEnabled = (env: GatewayEnv) => (env.GATEWAY_PLAYGROUND ?? (env.NODE_ENV === 'production' ? 'off' : 'on')) === 'on';
