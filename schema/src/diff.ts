import type { Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { federation, inspector } from './graphql-runtime.ts';

export type Severity = 'BREAKING' | 'DANGEROUS' | 'SAFE';

/** One change between two API schemas, as graphql-inspector sees it. */
export interface SchemaChange {
  severity: Severity;
  /** graphql-inspector's change type, e.g. FIELD_REMOVED, ENUM_VALUE_REMOVED. */
  type: string;
  message: string;
  /** Dotted path of what changed: `Type`, `Type.field`, `Type.field.argument`, `Enum.VALUE`. */
  path: string;
  reason?: string;
}

/** The API schema (what clients see: no join__ or link__ machinery) of a supergraph SDL. Throws on an invalid supergraph. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return federation.Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

const SEVERITY: Record<string, Severity> = {
  [inspector.CriticalityLevel.Breaking]: 'BREAKING',
  [inspector.CriticalityLevel.Dangerous]: 'DANGEROUS',
  [inspector.CriticalityLevel.NonBreaking]: 'SAFE',
};

const ORDER: Record<Severity, number> = { BREAKING: 0, DANGEROUS: 1, SAFE: 2 };

/** Diffs two API schemas and classifies every change; breaking first, then dangerous, then safe. */
export async function diffApiSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): Promise<SchemaChange[]> {
  const changes: Change[] = await inspector.diff(oldSchema, newSchema);
  return changes
    .map((change) => ({
      severity: SEVERITY[change.criticality.level] ?? 'BREAKING',
      type: String(change.type),
      message: change.message,
      path: change.path ?? '',
      reason: change.criticality.reason,
    }))
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
