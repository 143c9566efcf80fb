import type { ConstDirectiveNode, DefinitionNode, FieldDefinitionNode, InputValueDefinitionNode, StringValueNode } from 'graphql';
import { lintCacheHints } from './cache-hints.ts';
import { graphql } from './graphql-runtime.ts';

/** One rule broken at one schema coordinate of one subgraph. */
export interface LintFinding {
  subgraph: string;
  /** Schema coordinate, e.g. `Portfolio`, `Portfolio.name`, `Query.portfolio(id:)`, `Role.ADMIN`. */
  coordinate: string;
  rule: 'description' | 'naming' | 'deprecation-reason' | 'syntax' | 'cache-hint';
  message: string;
  line?: number;
}

export interface LintOptions {
  /** Arguments must carry a description too. Off: the subgraphs document arguments in the field's description. */
  requireArgumentDescriptions?: boolean;
}

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const CAMEL_CASE = /^[a-z][A-Za-z0-9]*$/;
const UPPER_CASE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

// Federation's own declarations: named by the spec, documented by it, never by us.
const FEDERATION_TYPES = new Set(['_Service', '_Entity', '_Any', '_FieldSet', 'FieldSet', 'link__Import', 'link__Purpose']);
const FEDERATION_FIELDS = new Set(['_service', '_entities']);
// Every subgraph declares its own slice of the root types; no one slice speaks for the whole type.
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const isFederationType = (name: string) => FEDERATION_TYPES.has(name) || name.startsWith('link__') || name.startsWith('federation__');

const hasDirective = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => directives?.some((d) => d.name.value === name) ?? false;
const hasText = (description: StringValueNode | undefined) => (description?.value.trim() ?? '') !== '';

/**
 * Lints one subgraph's SDL: every type, field, enum value and input field has a description; types
 * and enums are PascalCase, fields and arguments camelCase, enum values UPPER_CASE; every
 * `@deprecated` gives a reason. Exempt: the schema definition (`extend schema @link`), directive
 * definitions, federation's own types and fields, the descriptions of the root types Query,
 * Mutation and Subscription (their fields carry them), and those of `@external` fields: they
 * restate a field another subgraph owns and documents, and only the owner's description reaches
 * the supergraph.
 */
export function lintSubgraphSdl(subgraph: string, sdl: string, options: LintOptions = {}): LintFinding[] {
  let definitions: readonly DefinitionNode[];
  try {
    definitions = graphql.parse(sdl).definitions;
  } catch (error) {
    return [{ subgraph, coordinate: '(document)', rule: 'syntax', message: (error as Error).message }];
  }
  const findings: LintFinding[] = [];
  const report = (coordinate: string, rule: LintFinding['rule'], message: string, node: { loc?: { startToken: { line: number } } }) =>
    findings.push({ subgraph, coordinate, rule, message, line: node.loc?.startToken.line });

  const checkDeprecation = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    const deprecated = directives?.find((d) => d.name.value === 'deprecated');
    if (!deprecated) return;
    const reason = deprecated.arguments?.find((a) => a.name.value === 'reason')?.value;
    if (reason?.kind !== graphql.Kind.STRING || reason.value.trim() === '') {
      report(coordinate, 'deprecation-reason', `${coordinate} is deprecated without a reason: write @deprecated(reason: "use … instead")`, deprecated);
    }
  };

  const checkArgument = (fieldCoordinate: string, arg: InputValueDefinitionNode) => {
    const coordinate = `${fieldCoordinate}(${arg.name.value}:)`;
    if (!CAMEL_CASE.test(arg.name.value)) report(coordinate, 'naming', `argument ${coordinate} should be camelCase`, arg);
    if (options.requireArgumentDescriptions && !hasText(arg.description)) report(coordinate, 'description', `argument ${coordinate} has no description`, arg);
    checkDeprecation(coordinate, arg.directives);
  };

  const checkField = (typeName: string, field: FieldDefinitionNode) => {
    if (FEDERATION_FIELDS.has(field.name.value)) return;
    const coordinate = `${typeName}.${field.name.value}`;
    if (!CAMEL_CASE.test(field.name.value)) report(coordinate, 'naming', `field ${coordinate} should be camelCase`, field);
    if (!hasText(field.description) && !hasDirective(field.directives, 'external'))
      report(coordinate, 'description', `field ${coordinate} has no description`, field);
    checkDeprecation(coordinate, field.directives);
    for (const arg of field.arguments ?? []) checkArgument(coordinate, arg);
  };

  const checkInputField = (typeName: string, field: InputValueDefinitionNode) => {
    const coordinate = `${typeName}.${field.name.value}`;
    if (!CAMEL_CASE.test(field.name.value)) report(coordinate, 'naming', `input field ${coordinate} should be camelCase`, field);
    if (!hasText(field.description)) report(coordinate, 'description', `input field ${coordinate} has no description`, field);
    checkDeprecation(coordinate, field.directives);
  };

  for (const definition of definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === graphql.Kind.DIRECTIVE_DEFINITION) continue;
    const typeName = definition.name.value;
    if (isFederationType(typeName)) continue;
    const isExtension = definition.kind.endsWith('Extension');
    if (!PASCAL_CASE.test(typeName)) report(typeName, 'naming', `type ${typeName} should be PascalCase`, definition);
    // An extension cannot carry a description; the type it extends does.
    if (!isExtension && !ROOT_TYPES.has(typeName) && 'description' in definition && !hasText(definition.description))
      report(typeName, 'description', `type ${typeName} has no description`, definition);

    switch (definition.kind) {
      case graphql.Kind.OBJECT_TYPE_DEFINITION:
      case graphql.Kind.OBJECT_TYPE_EXTENSION:
      case graphql.Kind.INTERFACE_TYPE_DEFINITION:
      case graphql.Kind.INTERFACE_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) checkField(typeName, field);
        break;
      case graphql.Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case graphql.Kind.INPUT_OBJECT_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) checkInputField(typeName, field);
        break;
      case graphql.Kind.ENUM_TYPE_DEFINITION:
      case graphql.Kind.ENUM_TYPE_EXTENSION:
        for (const value of definition.values ?? []) {
          const coordinate = `${typeName}.${value.name.value}`;
          if (!UPPER_CASE.test(value.name.value)) report(coordinate, 'naming', `enum value ${coordinate} should be UPPER_CASE`, value);
          if (!hasText(value.description)) report(coordinate, 'description', `enum value ${coordinate} has no description`, value);
          checkDeprecation(coordinate, value.directives);
        }
        break;
    }
  }
  return findings;
}

/** Lints every subgraph (findings in the order the subgraphs and their definitions come), then the cache hints across them. */
export function lintSubgraphs(subgraphs: readonly { name: string; sdl: string }[], options: LintOptions = {}): LintFinding[] {
  return [...subgraphs.flatMap(({ name, sdl }) => lintSubgraphSdl(name, sdl, options)), ...lintCacheHints(subgraphs)];
}
