import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type GraphQLSchema } from 'graphql';
import { retryableDatabaseError } from './database-unavailable.ts';
import { createFormatError } from './errors.ts';
import type { Logger } from './logger.ts';
import { attachMetrics, createServiceMetrics } from './observability/metrics.ts';
import { requestIdOfHeaders, requestIdPlugin } from './observability/request-id.ts';

export interface SubgraphDefinition<TContext extends BaseContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<TContext>;
}

/**
 * A context that holds per-request resources (a database transaction for row-level security).
 * `endRequest` runs once the answer is complete and before it is sent, so a client never sees a
 * write that is not committed yet.
 */
export interface RequestScopedContext {
  endRequest?(): Promise<void>;
}

/** Ends the request's scope; a failed commit turns the answer into a coded error. */
function endRequestPlugin(logger: Logger): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, request }) {
          const end = (contextValue as RequestScopedContext).endRequest;
          if (!end) return;
          try {
            await end();
          } catch (error) {
            const retryable = retryableDatabaseError(error);
            const requestId = requestIdOfHeaders(request.http?.headers);
            if (retryable) logger.warn({ requestId, code: (error as { code?: unknown }).code }, `request transaction failed: ${retryable.label}`);
            else logger.error({ requestId, err: error }, 'request transaction failed to commit');
            if (response.body.kind === 'single') {
              response.body.singleResult.data = null;
              response.body.singleResult.errors = [
                retryable
                  ? { message: retryable.answer.message, extensions: { ...retryable.answer.extensions } }
                  : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
              ];
            }
          }
        },
      };
    },
  };
}

export interface SubgraphServer<TContext extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  apollo: ApolloServer<TContext>;
}

/** Pure factory: schema and Apollo Server, no I/O. `listen` starts it. */
export function createSubgraphServer<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
  options: { logger: Logger; production: boolean },
): SubgraphServer<TContext> {
  const schema = buildSubgraphSchema({ typeDefs: parse(definition.typeDefs), resolvers: definition.resolvers as GraphQLResolverMap<unknown> });
  const metrics = createServiceMetrics(definition.name);
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError: createFormatError(options.logger),
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    logger: options.logger,
    // Each service's main.ts (or the single-process stack) owns SIGINT/SIGTERM and closes the
    // server, then its pool; Apollo's own handler would re-raise the signal and kill the process first.
    stopOnTerminationSignals: false,
    // No HTTP caching of subgraph answers: skip the per-field cache-hint bookkeeping.
    // No federated traces either: nothing reports usage, and traces would carry unmasked errors.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      requestIdPlugin<TContext>(),
      endRequestPlugin(options.logger) as ApolloServerPlugin<TContext>,
      metrics.plugin as ApolloServerPlugin<TContext>,
    ],
  });
  attachMetrics(apollo, metrics);
  return { name: definition.name, schema, apollo };
}
