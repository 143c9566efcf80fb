import type { ServiceMap } from '@apollo/gateway';
import type { PlanNode } from '@apollo/query-planner';
import type { ExecutionResult } from 'graphql';
import type { Identity, Logger } from '@nexanest/graphql';
import type { GatewayContext } from '../context.ts';
import { resolveEvent, upstreamFailure } from './execute-subscription.ts';
import { identityKey, servicesOf, stableJson } from './keys.ts';
import { EVENT_SOURCE, type SubscriptionPlan, type SubscriptionPlanner } from './planner.ts';
import type { SharedUpstreams } from './shared-upstreams.ts';

export interface SubscriptionHubDeps {
  planner: SubscriptionPlanner;
  serviceMap: ServiceMap;
  upstreams: SharedUpstreams;
  /** A fresh context per event for this identity (identity tokens never go stale). */
  contextFor(identity: Identity | null): GatewayContext;
  /**
   * Subgraphs whose answers do not depend on who asks (given the same representations). A plan
   * that only touches these is resolved once per event for every subscriber, signed in or not.
   */
  identityFreeServices: ReadonlySet<string>;
  /** Events a group may have waiting while it resolves the previous one, before the oldest are dropped. */
  queueLimit: number;
  /** An event's result as the JSON payload clients receive (errors formatted); once per group and event. */
  serialize(result: ExecutionResult): string;
  logger: Logger;
}

/** Where a subscriber's events go: its outbox (see socket-outbox.ts). */
export interface HubSubscriber {
  /** One event's payload, serialised once for every subscriber of the group. */
  push(payloadJson: string): void;
  /** No more events: the stream ended (upstream completed or failed, or the gateway is closing). */
  end(): void;
  /** Events the subscriber lost by reading too slowly. */
  readonly dropped: number;
}

interface Group {
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
  /** The identity the group's fetches carry: null for identity-free plans. */
  identity: Identity | null;
  subscribers: Set<HubSubscriber>;
  stopUpstream: () => void;
  /** Events waiting while the previous one is resolved; bounded like a subscriber's queue. */
  pending: ExecutionResult[];
  /** Settles when no event is being resolved. */
  idle: Promise<void>;
  resolving: boolean;
}

const pick = (variables: Record<string, unknown>, names: readonly string[] = []) =>
  Object.fromEntries(names.filter((name) => variables[name] !== undefined).map((name) => [name, variables[name]]));

/**
 * Every subscription of a gateway goes through one hub. Subscribers with the same operation,
 * variables and relevant identity form a group: the group has one upstream subscription (itself
 * shared with other groups that send the same one) and resolves each event ONCE — entity
 * fetches included — then serialises the result once and hands the same JSON to each subscriber's
 * outbox. A subscriber that reads slowly loses its oldest events; it never delays the group or the
 * other subscribers.
 */
export function createSubscriptionHub(deps: SubscriptionHubDeps) {
  const groups = new Map<string, Group>();
  const identityFree = (services: Iterable<string>) => [...services].every((name) => name === EVENT_SOURCE || deps.identityFreeServices.has(name));

  const deliver = (group: Group, result: ExecutionResult) => {
    const payload = deps.serialize(result);
    for (const subscriber of group.subscribers) subscriber.push(payload);
  };

  const drain = (key: string, group: Group) => {
    if (group.resolving) return;
    group.resolving = true;
    group.idle = resolvePending(key, group);
  };

  const resolvePending = async (key: string, group: Group) => {
    try {
      for (let event = group.pending.shift(); event; event = group.pending.shift()) {
        if (groups.get(key) !== group) return;
        try {
          deliver(group, await resolveEvent(event, { plan: group.plan, variables: group.variables, context: deps.contextFor(group.identity) }, deps));
        } catch (error) {
          deps.logger.error({ err: error }, 'resolving a subscription event failed');
          deliver(group, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } as never);
        }
      }
    } finally {
      group.resolving = false;
    }
  };

  const endGroup = (key: string, group: Group, last?: ExecutionResult) => {
    if (groups.get(key) !== group) return;
    groups.delete(key);
    group.stopUpstream();
    const payload = last ? deps.serialize(last) : null;
    for (const subscriber of [...group.subscribers]) {
      if (payload) subscriber.push(payload);
      subscriber.end();
    }
  };

  const openGroup = (key: string, plan: SubscriptionPlan, variables: Record<string, unknown>, identity: Identity | null): Group => {
    const { primary } = plan;
    const group: Group = { plan, variables, identity, subscribers: new Set(), stopUpstream: () => {}, pending: [], idle: Promise.resolve(), resolving: false };
    groups.set(key, group);
    const upstreamIdentity = deps.identityFreeServices.has(primary.serviceName) ? null : identity;
    group.stopUpstream = deps.upstreams.subscribe(
      primary.serviceName,
      upstreamIdentity,
      { query: primary.operation, operationName: primary.operationName, variables: pick(variables, primary.variableUsages) },
      {
        next: (event) => {
          group.pending.push(event);
          if (group.pending.length > deps.queueLimit) group.pending.shift();
          drain(key, group);
        },
        // Events still being resolved are delivered before the end.
        error: (error) => void group.idle.then(() => endGroup(key, group, upstreamFailure(primary.serviceName, error, deps.logger))),
        complete: () => void group.idle.then(() => endGroup(key, group)),
      },
    );
    return group;
  };

  return {
    /**
     * Adds a subscriber to its group (opening the group if needed). Returns how it leaves: the
     * client completed or disconnected, or its stream ended.
     */
    subscribe(plan: SubscriptionPlan, planKey: string, variables: Record<string, unknown>, identity: Identity | null, subscriber: HubSubscriber): () => void {
      // perEvent is always a Sequence (see planner.ts), never a Subscription node.
      const services = servicesOf(plan.perEvent.node as PlanNode | undefined, new Set([plan.primary.serviceName]));
      const groupIdentity = identityFree(services) ? null : identity;
      const key = `${planKey}|${stableJson(variables)}|${identityKey(groupIdentity)}`;
      const group = groups.get(key) ?? openGroup(key, plan, variables, groupIdentity);
      group.subscribers.add(subscriber);
      return () => {
        if (!group.subscribers.delete(subscriber)) return;
        if (subscriber.dropped > 0) deps.logger.debug({ dropped: subscriber.dropped }, 'slow subscriber lost its oldest events');
        if (group.subscribers.size === 0 && groups.get(key) === group) {
          groups.delete(key);
          group.stopUpstream();
        }
      };
    },
    /** Groups (distinct resolutions per event) and subscribers, for tests and metrics. */
    stats: () => ({ groups: groups.size, subscribers: [...groups.values()].reduce((sum, group) => sum + group.subscribers.size, 0) }),
    /** Ends every subscription: clients get `complete` for each before the server goes away. */
    close() {
      for (const [key, group] of [...groups]) endGroup(key, group);
    },
  };
}

export type SubscriptionHub = ReturnType<typeof createSubscriptionHub>;
