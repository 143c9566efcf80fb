import { LRUCache } from 'lru-cache';
import type { FetchResult, PlannedFetch } from '../fetch-batching.ts';
import type { CachePolicy } from './policy.ts';

export interface EntityCacheOptions {
  /** Decides which fetches are cacheable and for how long (policy.ts). */
  policy: CachePolicy;
  /** Entities held across all subgraphs; the least recently used go first. */
  maxEntries?: number;
  /** Milliseconds clock for expiry (tests pass their own); performance.now when omitted. */
  now?: () => number;
  /** Called once per cacheable fetch with how many of its representations were held and how many not. */
  onLookup?: (subgraph: string, counts: { hit: number; miss: number }) => void;
}

type GraphQLErrors = NonNullable<FetchResult['errors']>;

/** JSON with object keys sorted, so equal representations give equal keys whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A subgraph's errors at `_entities.<sent index>` moved to every original index that representation stood for. */
function remapErrors(errors: GraphQLErrors | undefined, originals: number[][]): GraphQLErrors | undefined {
  return errors?.flatMap((error) => {
    const path = (error as { path?: unknown[] }).path;
    const sent = path?.[0] === '_entities' && typeof path[1] === 'number' ? originals[path[1]] : undefined;
    return sent ? sent.map((index) => ({ ...(error as object), path: ['_entities', index, ...(path as unknown[]).slice(2)] })) : [error];
  });
}

/**
 * The gateway's cache of public entities: one planned `_entities` fetch's entities, per subgraph,
 * keyed by the fetch's query, its other variables and one representation, kept for the fetch's
 * maxAge. Entities are held as JSON text, so no caller can change another's copy (the gateway
 * merges later fetches into the objects it is given).
 */
export function createEntityCache(options: EntityCacheOptions) {
  const now = options.now ?? (() => performance.now());
  // ttlResolution 0 with an injected clock: lru-cache would otherwise reuse a reading for 1 ms of real time.
  const store = new LRUCache<string, string>({ max: options.maxEntries ?? 20_000, ttl: 1, perf: { now }, ttlResolution: options.now ? 0 : 1 });

  return {
    /** Seconds this fetch's entities may be reused for; 0: send it as planned. */
    maxAgeFor: (query: string) => options.policy.maxAgeFor(query),

    /**
     * Answers a cacheable fetch: entities in the cache from memory, the others (each distinct
     * representation once) from `send`, merged back in the planned order. Only an answer without
     * errors is stored.
     */
    async fetch(subgraph: string, fetch: PlannedFetch, maxAge: number, send: (fetch: PlannedFetch) => Promise<FetchResult>): Promise<FetchResult> {
      const { representations, ...others } = fetch.variables ?? {};
      if (!Array.isArray(representations)) return send(fetch);
      const prefix = `${subgraph}\n${fetch.query}\n${canonicalJson(others)}\n`;
      const entities: unknown[] = new Array(representations.length).fill(null);
      const missing = new Map<string, number[]>();
      let hit = 0;
      representations.forEach((representation, index) => {
        const key = prefix + canonicalJson(representation);
        const held = store.get(key);
        if (held !== undefined) {
          entities[index] = JSON.parse(held);
          hit++;
        } else {
          const indices = missing.get(key);
          if (indices) indices.push(index);
          else missing.set(key, [index]);
        }
      });
      options.onLookup?.(subgraph, { hit, miss: representations.length - hit });
      if (missing.size === 0) return { data: { _entities: entities } };

      const keys = [...missing.keys()];
      const originals = [...missing.values()];
      const answer = await send({ ...fetch, variables: { ...others, representations: originals.map((indices) => representations[indices[0] as number]) } });
      const received = answer.data?._entities;
      const errors = remapErrors(answer.errors, originals);
      if (!Array.isArray(received) || received.length !== keys.length) return { ...answer, ...(errors ? { errors } : {}) };
      const storable = !answer.errors?.length;
      received.forEach((entity, sent) => {
        const text = entity === null || entity === undefined ? null : JSON.stringify(entity);
        if (storable && text !== null) store.set(keys[sent] as string, text, { ttl: maxAge * 1000 });
        // A repeated representation gets a copy of its own: the gateway merges into each.
        (originals[sent] as number[]).forEach((index, nth) => {
          entities[index] = nth === 0 || text === null ? entity : JSON.parse(text);
        });
      });
      return { ...answer, data: { ...answer.data, _entities: entities }, ...(errors ? { errors } : {}) };
    },
  };
}

export type EntityCache = ReturnType<typeof createEntityCache>;
