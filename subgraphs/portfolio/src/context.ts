import type { Identity } from '@nexanest/graphql';
import type { PortfolioDb } from './db/index.ts';
import { createLoaders, type Loaders } from './loaders.ts';

/** What every resolver sees: who is calling and this request's loaders. */
export interface Context {
  identity: Identity | null;
  loaders: Loaders;
}

/** Builds `createContext(identity)` for `listen`: fresh loaders per request, so no cache outlives it. */
export function createContextFactory(deps: { db: PortfolioDb }): (identity: Identity | null) => Context {
  return (identity) => ({ identity, loaders: createLoaders(deps.db, identity) });
}
