import { type Redis, scanKeys } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';

/** Redis logical database of the portfolio cache (the platform guide: 0 = general and portfolio cache). */
export const PORTFOLIO_REDIS_DB = 0;

/**
 * What a cached value hangs off: a portfolio (its row, holdings, cash, first ledger page, goals,
 * allocation rules) or an owner (their list of portfolios). Each has a generation counter; a write
 * bumps it after commit.
 */
export type CacheScopeKind = 'p' | 'o';

/** Every key starts with `<namespace>:portfolio:cache:`. */
export const portfolioCachePrefix = (namespace: string) => `${namespace}:portfolio:cache:`;

/**
 * Cache-aside store with generation counters. A value lives under
 * `<prefix><kind>:<id>:<generation>:<part>`; invalidation is INCR of `<prefix>gen:<kind>:<id>`.
 * A reader reads the generation before it asks the database and stores what it read under that
 * generation, so a value read before a write commits lands under a generation that the write's
 * bump has already left behind: no stale value can be filled after an invalidation.
 */
export interface PortfolioCache {
  /** Cached values of `part` for the ids, and the generations to store misses under. */
  read<T>(kind: CacheScopeKind, part: string, ids: readonly string[]): Promise<{ hits: Map<string, T>; generations: Map<string, string> }>;
  /** Stores values under the generations `read` returned. Failures are logged, never thrown. */
  write<T>(kind: CacheScopeKind, part: string, entries: ReadonlyArray<{ id: string; generation: string; value: T }>): Promise<void>;
  /** Bumps the generations: every value cached for these portfolios and owners is unreachable at once. */
  invalidate(marks: { portfolios: Iterable<string>; owners: Iterable<string> }): Promise<void>;
  /**
   * Deletes every value and generation cached for these portfolios and owners (erasure of a
   * user: their rows must not outlive the database's copy until a TTL runs out).
   */
  purge(marks: { portfolios: Iterable<string>; owners: Iterable<string> }): Promise<void>;
}

const DATE_FIELDS = new Set(['createdAt', 'updatedAt', 'executedAt', 'grantedAt', 'revokedAt', 'targetDate', 'reachedAt']);

/** JSON turns Dates into ISO strings; rows get theirs back by field name. */
const reviveDates = (key: string, value: unknown) => (typeof value === 'string' && DATE_FIELDS.has(key) ? new Date(value) : value);

/** Generation keys outlive every value (a lost counter restarts at 0, when its old values are long gone). */
const GENERATION_TTL_SECONDS = 7 * 86_400;

export function createPortfolioCache(options: { redis: Redis; namespace: string; ttlSeconds: number; logger: Logger }): PortfolioCache {
  const { redis, logger } = options;
  const prefix = portfolioCachePrefix(options.namespace);
  const genKey = (kind: CacheScopeKind, id: string) => `${prefix}gen:${kind}:${id}`;
  const valueKey = (kind: CacheScopeKind, id: string, generation: string, part: string) => `${prefix}${kind}:${id}:${generation}:${part}`;

  return {
    async read<T>(kind: CacheScopeKind, part: string, ids: readonly string[]) {
      const hits = new Map<string, T>();
      const generations = new Map<string, string>();
      if (ids.length === 0) return { hits, generations };
      const gens = await redis.mget(...ids.map((id) => genKey(kind, id)));
      for (const [i, id] of ids.entries()) generations.set(id, gens[i] ?? '0');
      const values = await redis.mget(...ids.map((id) => valueKey(kind, id, generations.get(id) as string, part)));
      for (const [i, id] of ids.entries()) {
        const text = values[i];
        if (text) hits.set(id, JSON.parse(text, reviveDates) as T);
      }
      return { hits, generations };
    },
    async write(kind, part, entries) {
      if (entries.length === 0) return;
      try {
        const pipeline = redis.pipeline();
        for (const entry of entries) pipeline.set(valueKey(kind, entry.id, entry.generation, part), JSON.stringify(entry.value), 'EX', options.ttlSeconds);
        await pipeline.exec();
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'portfolio cache write failed');
      }
    },
    async invalidate(marks) {
      const keys = [...[...marks.portfolios].map((id) => genKey('p', id)), ...[...marks.owners].map((id) => genKey('o', id))];
      if (keys.length === 0) return;
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.incr(key).expire(key, GENERATION_TTL_SECONDS);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    },
    async purge(marks) {
      const scopes = [...[...marks.portfolios].map((id) => ['p', id] as const), ...[...marks.owners].map((id) => ['o', id] as const)];
      for (const [kind, id] of scopes) {
        await redis.del(genKey(kind, id));
        // One DEL per key: on a cluster the keys of a scope may sit in different slots.
        for await (const keys of scanKeys(redis, `${prefix}${kind}:${id}:*`)) for (const key of keys) await redis.del(key);
      }
    },
  };
}
