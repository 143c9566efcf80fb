import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { createServiceMetrics, requestIdPlugin, type Logger } from '@nexanest/graphql';
import type { GatewayContext } from './context.ts';
import { SubgraphDataSource } from './data-source.ts';
import { createEntityCache } from './entity-cache/cache.ts';
import { createCachePolicy } from './entity-cache/policy.ts';
import { createSubgraphFetcher } from './subgraph-fetcher.ts';
import { operationGuardPlugin } from './operation-guard.ts';
import { createGatewayFormatError } from './format-error.ts';
import { createQueryLimits, DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits/query-limits.ts';
import { routingUrls } from './supergraph.ts';
import { createSubscriptionPlanner } from './subscriptions/planner.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Routing URL overrides by subgraph name (tests and local runs use other ports). */
  urlOverrides: Record<string, string>;
  upstreamTimeoutMs: number;
  /** Signs the client IP forwarded to subgraphs (the identity secret). */
  identitySecret: string;
  production: boolean;
  logger: Logger;
  /** Depth, alias, cost, token and directive limits; DEFAULT_QUERY_LIMITS when omitted. */
  limits?: QueryLimits;
  /** Bytes of query text the automatic persisted query cache holds (LRU); 8 MiB when omitted. */
  apqCacheBytes?: number;
  /** An operation's parallel query fetches to one subgraph go as one request (fetch-batching.ts); on when omitted. */
  fetchBatching?: boolean;
  /**
   * Public entities (those whose whole selection carries `@cacheControl` hints in the supergraph)
   * are answered from memory for their maxAge (entity-cache/); off when omitted.
   */
  entityCache?: boolean;
}

const DEFAULT_APQ_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * Pure factory: the Apollo gateway over the committed supergraph (no introspection at run
 * time), the Apollo Server in front of it, and the subscription planner over the same
 * supergraph. Data sources are shared by queries and subscription events.
 */
export function createGatewayServer(options: GatewayOptions) {
  const metrics = createServiceMetrics('gateway');
  const fetchDuration = metrics.histogram('subgraph_fetch_duration_seconds', 'Time a subgraph took to answer one fetch of a query plan.', [
    'subgraph',
    'outcome',
  ]);
  const lookups = metrics.counter(
    'gateway_entity_cache_lookups_total',
    'Representations of cacheable _entities fetches looked up in the entity cache, by subgraph and outcome (hit or miss).',
    ['subgraph', 'outcome'],
  );
  const entityCache =
    (options.entityCache ?? false)
      ? createEntityCache({
          policy: createCachePolicy(options.supergraphSdl),
          onLookup: (subgraph, counts) => {
            lookups.inc({ subgraph, outcome: 'hit' }, counts.hit);
            lookups.inc({ subgraph, outcome: 'miss' }, counts.miss);
          },
        })
      : undefined;
  const subgraphUrls = { ...routingUrls(options.supergraphSdl), ...options.urlOverrides };
  const http = createSubgraphFetcher({ timeoutMs: options.upstreamTimeoutMs });
  const serviceMap: ServiceMap = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      new SubgraphDataSource(name, url, {
        timeoutMs: options.upstreamTimeoutMs,
        identitySecret: options.identitySecret,
        fetchDuration,
        fetcher: http.fetcher,
        batching: options.fetchBatching ?? true,
        entityCache,
      }),
    ]),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger,
    buildService: ({ name }) => {
      const source = serviceMap[name];
      if (!source) throw new Error(`the supergraph names an unknown subgraph: ${name}`);
      return source;
    },
  });
  const formatError = createGatewayFormatError(options.logger);
  const limits = createQueryLimits(options.limits ?? DEFAULT_QUERY_LIMITS, { production: options.production });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours: the launcher and main.ts close sockets, servers and pools in order.
    stopOnTerminationSignals: false,
    introspection: !options.production,
    logger: options.logger,
    validationRules: limits.validationRules,
    // Batched HTTP requests (a JSON array body) stay refused, Apollo's default: one operation per
    // request keeps the limits per request meaningful.
    allowBatchedHttpRequests: false,
    // CSRF prevention is Apollo's default; spelled out because the gateway relies on it.
    csrfPrevention: true,
    // APQ has its own bounded LRU, so registered queries cannot crowd out other cached data.
    persistedQueries: { cache: new InMemoryLRUCache({ maxSize: options.apqCacheBytes ?? DEFAULT_APQ_CACHE_BYTES }) },
    // The offline GraphiQL playground replaces Apollo's CDN-hosted landing page.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...limits.plugins,
      operationGuardPlugin,
      metrics.plugin,
      // Errors logged by formatError carry the request's id.
      requestIdPlugin<GatewayContext>(),
    ],
  });
  const planner = createSubscriptionPlanner(options.supergraphSdl);
  return {
    apollo,
    gateway,
    planner,
    serviceMap,
    subgraphUrls,
    formatError,
    validationRules: limits.validationRules,
    metrics,
    /** Closes the keep-alive connections to the subgraphs (after the last request). */
    closeSubgraphConnections: http.close,
  };
}

export type GatewayServer = ReturnType<typeof createGatewayServer>;
