import type { Sql } from '@nexanest/db';
import type { AccessTokenKeys, Identity, IncomingRequest } from '@nexanest/graphql';
import type { AuthDb } from './db/index.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SessionRevocations } from '@nexanest/bus';
import DataLoader from 'dataloader';
import type { AdvisorGrantCheck } from './advisor-grants.ts';

/** What the auth resolvers need from the outside world. */
export interface AuthDeps {
  db: AuthDb;
  /** The same connections as `db`, for queries drizzle does not express well. */
  sql: Sql;
  accessTokenKeys: AccessTokenKeys;
  sessionRevocations: SessionRevocations;
  loginThrottle: LoginThrottle;
  /** Asks portfolio which users granted an advisor access (they own the grants). */
  advisorGrants: AdvisorGrantCheck;
  /** Key of the pseudonyms erased users keep in the audit trail (AUDIT_PSEUDONYM_SECRET). */
  pseudonymSecret: string;
}

export interface AuthContext {
  identity: Identity | null;
  /** The end client's IP when the gateway vouched for it (signed header); null otherwise. */
  clientIp: string | null;
  deps: AuthDeps;
  loaders: Loaders;
  /** For an ADVISOR caller: whether this user granted them access to a portfolio; false for anyone else. */
  grantedToCaller: DataLoader<string, boolean>;
}

/** Per-request context: the caller the gateway vouched for and fresh loaders. */
export const createAuthContext =
  (deps: AuthDeps, clientIpOf: (request?: IncomingRequest) => string | null = () => null) =>
  (identity: Identity | null, request?: IncomingRequest): AuthContext => ({
    identity,
    clientIp: clientIpOf(request),
    deps,
    loaders: createLoaders(deps.db),
    grantedToCaller: new DataLoader(async (userIds) => {
      if (identity?.role !== 'ADVISOR') return userIds.map(() => false);
      const granted = await deps.advisorGrants(identity.userId, userIds);
      return userIds.map((id) => granted.has(id));
    }),
  });

export const isOperator = (identity: Identity | null) => identity?.role === 'ADMIN' || identity?.role === 'SUPERUSER';

/** The user themself, or an operator, may see a user's account details. */
export const canSeeUser = (identity: Identity | null, userId: string) => identity !== null && (identity.userId === userId || isOperator(identity));
