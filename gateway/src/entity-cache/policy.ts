import {
  buildASTSchema,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';

/** The directive the supergraph carries hints with (subgraphs/market/schema.graphql, spec https://nexanest.dev/cache/v0.1). */
export const CACHE_HINT_DIRECTIVE = 'cacheControl';

/** Seconds a fetch's answer may be reused; 0 never. */
export type MaxAge = number;

export interface CachePolicyOptions {
  /** Distinct fetch queries whose policy is remembered (the planner writes a bounded set of them). */
  memoized?: number;
}

const UNCACHEABLE: MaxAge = 0;

/** The maxAge of a `@cacheControl` on a type or field definition; undefined without one (maxAge omitted counts as 0). */
function hintOf(definition: { astNode?: { directives?: readonly ConstDirectiveNode[] } | null } | undefined): number | undefined {
  const directive = definition?.astNode?.directives?.find((d) => d.name.value === CACHE_HINT_DIRECTIVE);
  if (!directive) return undefined;
  const value = directive.arguments?.find((a) => a.name.value === 'maxAge')?.value;
  return value?.kind === Kind.INT ? Math.max(0, Number.parseInt(value.value, 10)) : UNCACHEABLE;
}

/**
 * Which planned fetches the gateway's entity cache may answer, from the cache hints in the
 * supergraph. A fetch is cacheable when it is a query of `_entities` alone and everything it
 * selects is public: every entity type and every object type reached carries a hint (or the field
 * reaching it does); scalar and enum fields inherit their parent's. Its maxAge is the smallest
 * hint met. Anything else (a mutation, a root field, an unhinted type such as Holding) is 0.
 *
 * A hint on an entity type also covers scalar fields other subgraphs add to it: a subgraph that
 * adds a per-caller scalar to a hinted type must hint that field `@cacheControl(maxAge: 0)`.
 */
export function createCachePolicy(supergraphSdl: string, options: CachePolicyOptions = {}) {
  const schema: GraphQLSchema = buildASTSchema(parse(supergraphSdl, { noLocation: true }), { assumeValidSDL: true });
  const memo = new LRUCache<string, { maxAge: MaxAge }>({ max: options.memoized ?? 2_000 });

  /** Smallest hint under a selection set of `parent`, or 0 when something in it is not hinted public. */
  function selectionMaxAge(selectionSet: SelectionSetNode, parent: GraphQLNamedType, fragments: Map<string, FragmentDefinitionNode>): MaxAge {
    let maxAge = Number.POSITIVE_INFINITY;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        if (!isObjectType(parent) && !isInterfaceType(parent)) return UNCACHEABLE;
        const field = parent.getFields()[selection.name.value];
        if (!field) return UNCACHEABLE;
        const fieldHint = hintOf(field);
        if (fieldHint !== undefined) maxAge = Math.min(maxAge, fieldHint);
        const type = getNamedType(field.type);
        if (isCompositeType(type)) {
          const typeHint = hintOf(type);
          if (typeHint === undefined && fieldHint === undefined) return UNCACHEABLE;
          if (typeHint !== undefined) maxAge = Math.min(maxAge, typeHint);
          if (!selection.selectionSet) return UNCACHEABLE;
          maxAge = Math.min(maxAge, selectionMaxAge(selection.selectionSet, type, fragments));
        }
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) return UNCACHEABLE;
        const type = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        if (!type) return UNCACHEABLE;
        if (type !== parent) {
          // Narrowing to another type reaches that type: it needs a hint of its own.
          const typeHint = hintOf(type);
          if (typeHint === undefined) return UNCACHEABLE;
          maxAge = Math.min(maxAge, typeHint);
        }
        maxAge = Math.min(maxAge, selectionMaxAge(fragment.selectionSet, type, fragments));
      }
      if (maxAge === UNCACHEABLE) return UNCACHEABLE;
    }
    return maxAge;
  }

  function compute(query: string): MaxAge {
    let document: DocumentNode;
    try {
      document = parse(query, { noLocation: true });
    } catch {
      return UNCACHEABLE;
    }
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const [operation] = operations;
    if (operations.length !== 1 || operation?.operation !== 'query') return UNCACHEABLE;
    const roots = operation.selectionSet.selections;
    const [root] = roots;
    if (roots.length !== 1 || root?.kind !== Kind.FIELD || root.name.value !== '_entities' || root.alias || !root.selectionSet) return UNCACHEABLE;
    const entities = root.selectionSet.selections;
    if (entities.length === 0 || entities.some((s) => s.kind !== Kind.INLINE_FRAGMENT && s.kind !== Kind.FRAGMENT_SPREAD)) return UNCACHEABLE;
    const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    // The supergraph has no _Entity union; under Query as the parent, every fragment narrows to
    // its entity type, so selectionMaxAge requires that type's own hint.
    const queryType = schema.getQueryType();
    if (!queryType) return UNCACHEABLE;
    const maxAge = selectionMaxAge(root.selectionSet, queryType, fragments);
    return Number.isFinite(maxAge) ? maxAge : UNCACHEABLE;
  }

  return {
    /** Seconds the answer of this planned fetch may be reused for; 0 when it is never cached. */
    maxAgeFor(query: string): MaxAge {
      let entry = memo.get(query);
      if (!entry) {
        entry = { maxAge: compute(query) };
        memo.set(query, entry);
      }
      return entry.maxAge;
    },
  };
}

export type CachePolicy = ReturnType<typeof createCachePolicy>;
