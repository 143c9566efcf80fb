import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '@nexanest/graphql';
import type { GatewayContext } from './context.ts';
import { SubgraphDataSource } from './data-source.ts';
import { createGatewayFormatError } from './format-error.ts';
import { routingUrls } from './supergraph.ts';
import { createSubscriptionPlanner } from './subscriptions/planner.ts';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Routing URL overrides by subgraph name (tests and local runs use other ports). */
  urlOverrides: Record<string, string>;
  upstreamTimeoutMs: number;
  production: boolean;
  logger: Logger;
}

/**
 * Pure factory: the Apollo gateway over the committed supergraph (no introspection at run
 * time), the Apollo Server in front of it, and the subscription planner over the same
 * supergraph. Data sources are shared by queries and subscription events.
 */
export function createGatewayServer(options: GatewayOptions) {
  const subgraphUrls = { ...routingUrls(options.supergraphSdl), ...options.urlOverrides };
  const serviceMap: ServiceMap = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [name, new SubgraphDataSource(name, url, options.upstreamTimeoutMs)]),
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
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours: the launcher and main.ts close sockets, servers and pools in order.
    stopOnTerminationSignals: false,
    introspection: !options.production,
    logger: options.logger,
    // The offline GraphiQL playground replaces Apollo's CDN-hosted landing page.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  const planner = createSubscriptionPlanner(options.supergraphSdl);
  return { apollo, gateway, planner, serviceMap, subgraphUrls, formatError };
}

export type GatewayServer = ReturnType<typeof createGatewayServer>;
