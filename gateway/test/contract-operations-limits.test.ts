import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { DefinitionNode, DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { createQueryLimits, DEFAULT_QUERY_LIMITS } from '../src/limits/query-limits.ts';
import { createSubscriptionPlanner } from '../src/subscriptions/planner.ts';
import { readSupergraph } from '../src/supergraph.ts';
import { gatewayEnvSchema } from '../src/index.ts';
import { postGraphQL, startTestGateway, type Gateway } from './support/gateway-harness.ts';

// vitest hands test files graphql's ESM build, while federation-internals (and Apollo, and
// armor) use the CommonJS one that Node resolves; graphql refuses a schema from another realm.
const { Kind, parse, print, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));

/** Every contract operation as a client sends it: the operation plus the file's fragments. */
function contractOperations(): Array<{ name: string; source: string }> {
  const operations: Array<{ name: string; source: string }> = [];
  for (const file of readdirSync(OPERATIONS_DIR).filter((name) => name.endsWith('.graphql'))) {
    const document = parse(readFileSync(`${OPERATIONS_DIR}${file}`, 'utf8'));
    const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] as DefinitionNode[] };
      operations.push({ name: `${file}#${definition.name?.value ?? '(anonymous)'}`, source: print(single) });
    }
  }
  return operations;
}

const operations = contractOperations();
const apiSchema = createSubscriptionPlanner(readSupergraph()).apiGraphQLSchema;

describe('the default query limits and the contract operations', () => {
  it('finds the contract operations to check', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('match the defaults documented in env.ts', () => {
    const env = gatewayEnvSchema.parse({ NODE_ENV: 'test' });
    expect({
      maxDepth: env.MAX_QUERY_DEPTH,
      maxAliases: env.MAX_QUERY_ALIASES,
      maxCost: env.MAX_QUERY_COST,
      maxTokens: env.MAX_QUERY_TOKENS,
      maxDirectives: env.MAX_QUERY_DIRECTIVES,
    }).toEqual(DEFAULT_QUERY_LIMITS);
  });

  // Only the limit rules: whether the supergraph has every field yet is the contract check's job
  // (`node ../shared/contract/check.mjs`), not this one's.
  it.each(operations)('lets $name through depth, alias, cost and directive limits', ({ source }) => {
    const { validationRules } = createQueryLimits(DEFAULT_QUERY_LIMITS, { production: true });
    const errors = validate(apiSchema, parse(source), validationRules);
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it.each(operations)('keeps $name under the token limit', ({ source }) => {
    const parser = new MaxTokensParserWLexer(source, { n: DEFAULT_QUERY_LIMITS.maxTokens });
    expect(() => parser.parseDocument()).not.toThrow();
    expect(parser.tokenCount).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxTokens);
  });
});

describe('the contract operations sent to a gateway with the default limits', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses none of them for a limit', async () => {
    const refused: string[] = [];
    for (const { name, source } of operations) {
      // No variables and dead subgraphs: the answers are variable, upstream or (while the
      // supergraph is still growing) unknown-field errors; only a limit names `extensions.limit`.
      const { body } = await postGraphQL(gateway.url, { query: source });
      for (const error of body.errors ?? []) {
        if (error.extensions?.limit !== undefined) refused.push(`${name}: ${error.message}`);
      }
    }
    expect(refused).toEqual([]);
  });
});
