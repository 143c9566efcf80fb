import { createRequire } from 'node:module';
import type { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';

// The CommonJS build of graphql, the one Node resolves for federation-internals (which builds the
// API schema), Apollo and graphql-ws. Under Node a plain import is that same build; under vitest
// a plain import in our source would be the ESM build, which refuses a schema from another realm.
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** graphql's standard rules plus the query limits, for operations that bypass Apollo (WebSocket subscriptions). */
export function validateWithLimits(schema: GraphQLSchema, document: DocumentNode, limitRules: readonly ValidationRule[]): readonly GraphQLError[] {
  return graphql.validate(schema, document, [...graphql.specifiedRules, ...limitRules]);
}
