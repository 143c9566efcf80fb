import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { buildOperationContext } from '@apollo/gateway';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** Service name under which each event's payload is replayed into the per-event plan. */
export const EVENT_SOURCE = '__subscription_event__';

type OperationContext = ReturnType<typeof buildOperationContext>;

/** A subscription split the way the query planner splits it. */
export interface SubscriptionPlan {
  /** The fetch that subscribes on the subgraph owning the root field. */
  primary: FetchNode;
  /**
   * What resolves each event: the primary fetch (answered from the event) followed by the
   * remaining fetches into other subgraphs. Executed once per event by `executeQueryPlan`.
   */
  perEvent: QueryPlan;
  operationContext: OperationContext;
}

/**
 * Plans subscriptions with the same planner and supergraph as the gateway, so any subscription
 * field of any subgraph works, whatever it reaches into.
 */
export function createSubscriptionPlanner(supergraphSdl: string) {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const apiSchema = supergraph.apiSchema();
  const apiGraphQLSchema: GraphQLSchema = apiSchema.toGraphQLJSSchema();
  const supergraphGraphQLSchema: GraphQLSchema = supergraph.schema.toGraphQLJSSchema();
  const cache = new Map<string, Omit<SubscriptionPlan, 'operationContext'>>();

  return {
    apiSchema,
    apiGraphQLSchema,
    supergraphGraphQLSchema,
    plan(document: DocumentNode, operationName: string | undefined, cacheKey: string): SubscriptionPlan {
      const operationContext = buildOperationContext({ schema: apiGraphQLSchema, operationDocument: document, operationName });
      let cached = cache.get(cacheKey);
      if (!cached) {
        const queryPlan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }));
        const node = queryPlan.node;
        if (node?.kind !== 'Subscription') throw new Error('not a subscription plan');
        // The primary fetch is answered from the event under a name of its own: later fetches to
        // the same subgraph (e.g. market again after portfolio) must still reach the subgraph.
        const replayed: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
        const nodes: PlanNode[] = [replayed, ...(node.rest ? [node.rest] : [])];
        cached = { primary: node.primary, perEvent: { kind: 'QueryPlan', node: { kind: 'Sequence', nodes } } };
        if (cache.size > 500) cache.clear();
        cache.set(cacheKey, cached);
      }
      return { ...cached, operationContext };
    },
  };
}

export type SubscriptionPlanner = ReturnType<typeof createSubscriptionPlanner>;
