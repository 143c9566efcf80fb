import type { DefinitionNode, FieldDefinitionNode } from 'graphql';
import { graphql } from './graphql-runtime.ts';
import type { LintFinding } from './lint.ts';

// The directive the gateway's entity cache reads from the supergraph (gateway/src/entity-cache/policy.ts).
const HINT = 'cacheControl';
const COMPOSITE = new Set<string>([
  graphql.Kind.OBJECT_TYPE_DEFINITION,
  graphql.Kind.OBJECT_TYPE_EXTENSION,
  graphql.Kind.INTERFACE_TYPE_DEFINITION,
  graphql.Kind.INTERFACE_TYPE_EXTENSION,
  graphql.Kind.UNION_TYPE_DEFINITION,
  graphql.Kind.UNION_TYPE_EXTENSION,
]);
const OBJECT = new Set<string>([graphql.Kind.OBJECT_TYPE_DEFINITION, graphql.Kind.OBJECT_TYPE_EXTENSION]);

type Typed = DefinitionNode & { name: { value: string }; directives?: readonly { name: { value: string } }[]; fields?: readonly FieldDefinitionNode[] };
const hinted = (node: { directives?: readonly { name: { value: string } }[] }) => node.directives?.some((d) => d.name.value === HINT) ?? false;
const namedType = (field: FieldDefinitionNode): string => {
  let type = field.type;
  while (type.kind !== graphql.Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
};
/** Field names in a type's `@key(fields: "...")` selections (top level only: keys here are flat). */
const keyFields = (node: Typed) =>
  new Set(
    (node.directives ?? [])
      .filter((d) => d.name.value === 'key')
      .flatMap((d) => {
        const value = (d as { arguments?: readonly { name: { value: string }; value: { kind: string; value?: string } }[] }).arguments?.find(
          (a) => a.name.value === 'fields',
        )?.value;
        return value?.kind === graphql.Kind.STRING && value.value ? value.value.split(/[\s{}]+/).filter(Boolean) : [];
      }),
  );

/**
 * The supergraph does not record which subgraph put a `@cacheControl` hint on a type, and the
 * gateway lets a hinted type's scalar and enum fields inherit its maxAge. So when one subgraph hints
 * a type, a scalar or enum field that another subgraph adds to it (say a per-caller
 * `Instrument.myQuantity`) would be cached and shared between callers. This rule makes such a field
 * carry a hint of its own (`@cacheControl(maxAge: 0)` for anything per caller). Key and `@external`
 * fields are exempt (they restate the representation), as are fields returning object, interface or
 * union types (the gateway needs a hint on the type they return anyway).
 */
export function lintCacheHints(subgraphs: readonly { name: string; sdl: string }[]): LintFinding[] {
  const parsed = subgraphs.flatMap(({ name, sdl }) => {
    try {
      return [{ name, definitions: graphql.parse(sdl).definitions.filter((d): d is Typed => 'name' in d && d.name !== undefined) }];
    } catch {
      return []; // the lint step reports the syntax error
    }
  });
  const hintedBy = new Map<string, Set<string>>();
  for (const { name, definitions } of parsed) {
    for (const definition of definitions) {
      if (OBJECT.has(definition.kind) && hinted(definition)) hintedBy.set(definition.name.value, (hintedBy.get(definition.name.value) ?? new Set()).add(name));
    }
  }
  const findings: LintFinding[] = [];
  for (const { name, definitions } of parsed) {
    const composite = new Set(definitions.filter((d) => COMPOSITE.has(d.kind)).map((d) => d.name.value));
    for (const definition of definitions) {
      const owners = hintedBy.get(definition.name.value);
      if (!OBJECT.has(definition.kind) || !owners || owners.has(name)) continue;
      const keys = keyFields(definition);
      for (const field of definition.fields ?? []) {
        const exempt = keys.has(field.name.value) || field.directives?.some((d) => d.name.value === 'external') || composite.has(namedType(field));
        if (exempt || hinted(field)) continue;
        const coordinate = `${definition.name.value}.${field.name.value}`;
        findings.push({
          subgraph: name,
          coordinate,
          rule: 'cache-hint',
          message: `${coordinate} would inherit the @cacheControl hint that ${[...owners].join(', ')} puts on ${definition.name.value} and be shared between callers: give it its own hint (@cacheControl(maxAge: 0) if it depends on the caller)`,
          line: field.loc?.startToken.line,
        });
      }
    }
  }
  return findings;
}
