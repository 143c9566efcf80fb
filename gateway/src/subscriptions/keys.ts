import type { PlanNode } from '@apollo/query-planner';
import type { Identity } from '@nexanest/graphql';

/** Who is asking, as far as a subgraph's answer can depend on it; '' for nobody. */
export const identityKey = (identity: Identity | null): string =>
  identity ? `${identity.userId}|${identity.role}|${identity.scopes ? [...identity.scopes].sort().join(',') : '*'}` : '';

/** JSON with object keys sorted, so equal variables give equal keys. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Every subgraph a plan fetches from. */
export function servicesOf(node: PlanNode | undefined, into = new Set<string>()): Set<string> {
  if (!node) return into;
  switch (node.kind) {
    case 'Fetch':
      into.add(node.serviceName);
      break;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) servicesOf(child, into);
      break;
    case 'Flatten':
      servicesOf(node.node, into);
      break;
    case 'Condition':
      servicesOf(node.ifClause, into);
      servicesOf(node.elseClause, into);
      break;
    case 'Defer':
      servicesOf(node.primary?.node, into);
      for (const deferred of node.deferred) servicesOf(deferred.node, into);
      break;
  }
  return into;
}
