import { createRequestScope, type RequestScope } from '@nexanest/db';
import { hasScope, type Identity, type Logger, type RequestScopedContext } from '@nexanest/graphql';
import type { PortfolioCache } from './cache/portfolio-cache.ts';
import { createRequestCache, type RequestCache } from './cache/request-cache.ts';
import type { PortfolioDb, PortfolioPool, PortfolioSchema } from './db/index.ts';
import { isUuid } from './ids.ts';
import { createLoaders, type Loaders } from './loaders.ts';

/** What every resolver sees: who is calling, this request's transaction and its loaders. */
export interface Context extends RequestScopedContext {
  identity: Identity | null;
  /** The request's transaction, with app.user_id and app.role set for row-level security. */
  db(): Promise<PortfolioDb>;
  loaders: Loaders;
  /** The Redis cache as this request may use it; mutations report what they changed. */
  cache: RequestCache;
}

/**
 * The user the database should see: nobody for an anonymous caller or an API key with neither
 * portfolio scope. (Within that, which scope allows what is the resolvers' check.)
 */
const databaseUserOf = (identity: Identity | null) =>
  identity && isUuid(identity.userId) && (hasScope(identity, 'portfolio:read') || hasScope(identity, 'portfolio:write')) ? identity.userId.toLowerCase() : null;

/** Builds `createContext(identity)` for `listen`: a fresh scope and loaders per request, so nothing outlives it. */
export function createContextFactory(deps: { db: PortfolioPool['db']; cache: PortfolioCache | null; logger: Logger }): (identity: Identity | null) => Context {
  return (identity) => {
    const scope: RequestScope<PortfolioSchema> = createRequestScope(deps.db, { userId: databaseUserOf(identity), role: identity?.role ?? null });
    const cache = createRequestCache(deps.cache, deps.logger);
    return {
      identity,
      db: scope.db,
      cache,
      loaders: createLoaders(scope.db, identity, { cache, logger: deps.logger }),
      // Invalidation after the commit (or the rollback), before the answer leaves: the next read is fresh.
      async endRequest() {
        try {
          await scope.end();
        } finally {
          await cache.flush();
        }
      },
    };
  };
}
