import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '@nexanest/graphql';
import type { GatewayContext } from '../context.ts';
import { EVENT_SOURCE, type SubscriptionPlan, type SubscriptionPlanner } from './planner.ts';
import type { UpstreamClients } from './upstream.ts';

export interface SubscriptionRequest {
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
  /** A fresh context per event, so identity tokens sent to subgraphs never go stale. */
  contextForEvent: () => GatewayContext;
}

export interface SubscriptionDeps {
  planner: SubscriptionPlanner;
  serviceMap: ServiceMap;
  upstream: UpstreamClients;
  logger: Logger;
}

const pick = (variables: Record<string, unknown>, names: readonly string[] = []) =>
  Object.fromEntries(names.filter((name) => variables[name] !== undefined).map((name) => [name, variables[name]]));

/**
 * Runs one subscription: subscribes upstream with the plan's primary fetch and, for each event,
 * executes the per-event plan with the primary fetch answered by that event and every other
 * fetch sent to its subgraph as usual. Events are resolved one at a time, in order.
 *
 * A hand-written iterator rather than an async generator: when the client completes, `return`
 * must release the upstream subscription at once, even while `next` waits for an event that may
 * never come (a generator would only run its `finally` after the next event).
 */
export function executeSubscription(request: SubscriptionRequest, deps: SubscriptionDeps): AsyncIterableIterator<ExecutionResult> {
  const { primary } = request.plan;
  const events = deps.upstream.get(primary.serviceName).iterate({
    query: primary.operation,
    operationName: primary.operationName,
    variables: pick(request.variables, primary.variableUsages),
  });
  const DONE: IteratorResult<ExecutionResult> = { done: true, value: undefined };
  let finished = false;
  let stop: () => void = () => {};
  const stopped = new Promise<IteratorResult<unknown>>((resolve) => {
    stop = () => resolve(DONE);
  });
  const finish = async () => {
    finished = true;
    stop();
    await events.return?.(undefined);
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return DONE;
      try {
        const event = await Promise.race([events.next(), stopped]);
        if (event.done || finished) {
          await finish();
          return DONE;
        }
        return { done: false, value: await resolveEvent(event.value as ExecutionResult, request, deps) };
      } catch (error) {
        await finish();
        return { done: false, value: upstreamFailure(primary.serviceName, error, deps.logger) };
      }
    },
    async return() {
      await finish();
      return DONE;
    },
  };
}

async function resolveEvent(event: ExecutionResult, request: SubscriptionRequest, deps: SubscriptionDeps): Promise<ExecutionResult> {
  const { primary, perEvent, operationContext } = request.plan;
  const replay = { process: async () => ({ data: event.data ?? null, errors: event.errors as GraphQLFormattedError[] | undefined }) };
  const context = request.contextForEvent();
  const result = await executeQueryPlan(
    perEvent,
    { ...deps.serviceMap, [EVENT_SOURCE]: replay as unknown as ServiceMap[string] },
    {
      request: { variables: request.variables },
      context,
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
function upstreamFailure(serviceName: string, error: unknown, logger: Logger): ExecutionResult {
  const graphqlErrors = Array.isArray(error) ? (error as GraphQLFormattedError[]) : null;
  if (graphqlErrors?.length) return { errors: graphqlErrors.map((e) => ({ ...e, extensions: { ...e.extensions, serviceName } })) } as never;
  logger.warn({ serviceName, err: error instanceof Error ? error.message : String(error) }, 'upstream subscription ended');
  return {
    errors: [
      { message: `The ${serviceName} service is unavailable`, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName, reason: 'UPSTREAM_UNAVAILABLE' } },
    ],
  } as never;
}
