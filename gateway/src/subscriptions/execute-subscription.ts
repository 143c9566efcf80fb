import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '@nexanest/graphql';
import type { GatewayContext } from '../context.ts';
import { EVENT_SOURCE, type SubscriptionPlan, type SubscriptionPlanner } from './planner.ts';

export interface EventRequest {
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
  /** The identity the fetches carry (fresh per event, so identity tokens never go stale). */
  context: GatewayContext;
}

export interface EventDeps {
  planner: SubscriptionPlanner;
  serviceMap: ServiceMap;
  logger: Logger;
}

/**
 * Resolves one subscription event: executes the per-event plan with the primary fetch answered
 * by the event (replayed under its own service name) and every other fetch sent to its subgraph
 * as usual, so a payload may select fields that other subgraphs own.
 */
export async function resolveEvent(event: ExecutionResult, request: EventRequest, deps: EventDeps): Promise<ExecutionResult> {
  const { primary, perEvent, operationContext } = request.plan;
  // executeQueryPlan merges later fetches into the data it is given: each resolution gets its own
  // copy, since one upstream event is shared by every group that subscribed to it.
  const replay = {
    process: async () => ({ data: event.data ? structuredClone(event.data) : null, errors: event.errors as GraphQLFormattedError[] | undefined }),
  };
  const result = await executeQueryPlan(
    perEvent,
    { ...deps.serviceMap, [EVENT_SOURCE]: replay as unknown as ServiceMap[string] },
    {
      request: { variables: request.variables },
      context: request.context,
      logger: deps.logger,
      metrics: {},
      cache: undefined,
    } as never,
    operationContext,
    deps.planner.supergraphGraphQLSchema,
    deps.planner.apiSchema,
  );
  // Errors of the replayed primary fetch belong to the subgraph that sent the event.
  const errors = result.errors?.map((error) =>
    error.extensions.serviceName === EVENT_SOURCE
      ? new GraphQLError(error.message, {
          path: error.path,
          originalError: error.originalError,
          extensions: { ...error.extensions, serviceName: primary.serviceName },
        })
      : error,
  );
  return { ...result, ...(errors ? { errors } : {}) } as ExecutionResult;
}

/** Upstream errors arrive as GraphQL error lists or as a close event; neither leaks detail. */
export function upstreamFailure(serviceName: string, error: unknown, logger: Logger): ExecutionResult {
  const graphqlErrors = Array.isArray(error) ? (error as GraphQLFormattedError[]) : null;
  if (graphqlErrors?.length) return { errors: graphqlErrors.map((e) => ({ ...e, extensions: { ...e.extensions, serviceName } })) } as never;
  logger.warn({ serviceName, err: error instanceof Error ? error.message : String(error) }, 'upstream subscription ended');
  return {
    errors: [
      { message: `The ${serviceName} service is unavailable`, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName, reason: 'UPSTREAM_UNAVAILABLE' } },
    ],
  } as never;
}
