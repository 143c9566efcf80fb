import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity, type Logger, type SubgraphServer, type MarketClient } from '@nexanest/graphql';
import { createContextFactory, type Context } from './context.ts';
import type { PortfolioPool } from './db/index.ts';
import type { AuthClient } from './auth-client.ts';
import type { PortfolioCache } from './cache/portfolio-cache.ts';
import { createResolvers } from './resolvers/index.ts';

export interface PortfolioServerDeps {
  /** The pool's drizzle handle; each request runs in a transaction on it. */
  db: PortfolioPool['db'];
  /** Validates symbols and trading currencies against market's universe. */
  market: MarketClient;
  /** Finds advisors by email when an owner grants access. */
  auth: AuthClient;
  logger: Logger;
  /** Hides introspection and error detail. */
  production: boolean;
  /** Cache-aside reads in Redis; null (or absent) reads the database every time. */
  cache?: PortfolioCache | null;
  /** The clock that decides what "in the future" means; injected by tests. */
  now?: () => Date;
}

export interface PortfolioServer extends SubgraphServer<Context> {
  /** Per-request context for `listen` (or for `apollo.executeOperation` in tests). */
  createContext(identity: Identity | null): Context;
}

const schemaPath = new URL('../schema.graphql', import.meta.url);

/** Pure factory: schema, resolvers and Apollo Server over the given dependencies; nothing listens. */
export function createPortfolioServer(deps: PortfolioServerDeps): PortfolioServer {
  const typeDefs = readFileSync(schemaPath, 'utf8');
  const server = createSubgraphServer<Context>(
    { name: 'portfolio', typeDefs, resolvers: createResolvers({ market: deps.market, auth: deps.auth, ...(deps.now ? { now: deps.now } : {}) }) },
    { logger: deps.logger, production: deps.production },
  );
  return { ...server, createContext: createContextFactory({ db: deps.db, cache: deps.cache ?? null, logger: deps.logger }) };
}
