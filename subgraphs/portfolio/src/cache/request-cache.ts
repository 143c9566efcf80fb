import type { Logger } from '@nexanest/graphql';
import type { CacheScopeKind, PortfolioCache } from './portfolio-cache.ts';

/**
 * One request's view of the portfolio cache. A request that writes stops using the cache at once
 * (its own answer must show its write, read inside its transaction), records what it changed, and
 * `flush` bumps those generations after the commit.
 */
export interface RequestCache {
  /** The cache while this request has written nothing; null once it has, or when caching is off. */
  active(): PortfolioCache | null;
  /** Called before any write: from now on this request reads the database only. */
  writing(): void;
  /** The write changes what is cached for this portfolio and/or owner. */
  changed(marks: { portfolioId?: string; ownerId?: string }): void;
  /** After the commit (or the rollback): makes the changed entries unreachable. */
  flush(): Promise<void>;
}

export function createRequestCache(cache: PortfolioCache | null, logger: Logger): RequestCache {
  let wrote = false;
  const portfolios = new Set<string>();
  const owners = new Set<string>();
  return {
    active: () => (wrote ? null : cache),
    writing() {
      wrote = true;
    },
    changed(marks) {
      wrote = true;
      if (marks.portfolioId) portfolios.add(marks.portfolioId.toLowerCase());
      if (marks.ownerId) owners.add(marks.ownerId.toLowerCase());
    },
    async flush() {
      if (!cache || (portfolios.size === 0 && owners.size === 0)) return;
      try {
        await cache.invalidate({ portfolios, owners });
      } catch (error) {
        // The write is committed; entries it should have hidden expire with their TTL.
        logger.error({ err: { message: (error as Error).message } }, 'portfolio cache invalidation failed');
      }
    },
  };
}

/**
 * Cache-aside for one loader batch: hits from Redis, misses from `load` (the database), misses
 * stored under the generation read before the database was asked. Redis trouble makes it a miss.
 */
export async function cacheAside<T>(
  cache: PortfolioCache | null,
  logger: Logger | undefined,
  where: { kind: CacheScopeKind; part: string },
  ids: readonly string[],
  load: (missing: string[]) => Promise<Map<string, T>>,
): Promise<Map<string, T>> {
  if (ids.length === 0) return new Map();
  if (!cache) return load([...ids]);
  let read: Awaited<ReturnType<PortfolioCache['read']>>;
  try {
    read = await cache.read<T>(where.kind, where.part, ids);
  } catch (error) {
    logger?.warn({ err: { message: (error as Error).message } }, 'portfolio cache read failed');
    return load([...ids]);
  }
  const hits = read.hits as Map<string, T>;
  const missing = ids.filter((id) => !hits.has(id));
  if (missing.length === 0) return hits;
  const loaded = await load(missing);
  const entries = [...loaded].map(([id, value]) => ({ id, generation: read.generations.get(id) ?? '0', value }));
  await cache.write(where.kind, where.part, entries);
  for (const [id, value] of loaded) hits.set(id, value);
  return hits;
}
