import type { AccessTokenKeys, Identity } from '@nexanest/graphql';
import type { AuthDb } from './db/index.ts';
import { createLoaders, type Loaders } from './loaders.ts';

/** What the auth resolvers need from the outside world. */
export interface AuthDeps {
  db: AuthDb;
  accessTokenKeys: AccessTokenKeys;
}

export interface AuthContext {
  identity: Identity | null;
  deps: AuthDeps;
  loaders: Loaders;
}

/** Per-request context: the caller the gateway vouched for and fresh loaders. */
export const createAuthContext =
  (deps: AuthDeps) =>
  (identity: Identity | null): AuthContext => ({ identity, deps, loaders: createLoaders(deps.db) });

/** The user themself, or an operator, may see a user's account details. */
export const canSeeUser = (identity: Identity | null, userId: string) =>
  identity !== null && (identity.userId === userId || identity.role === 'ADMIN' || identity.role === 'SUPERUSER');
