import { type AccessTokenKeys, type Identity, signIdentity, verifyAccessToken } from '@nexanest/graphql';
import type { SessionRevocations } from '@nexanest/bus';
import { GraphQLError } from 'graphql';
import type { ApiKeyVerifier } from './api-keys.ts';

/** What every gateway request carries: the verified caller and a token vouching for them. */
export interface GatewayContext {
  identity: Identity | null;
  /** The end client's address, forwarded (signed) to subgraphs for per-IP throttling. */
  clientIp: string | null;
  /** The HTTP request's id (requestIdMiddleware), forwarded to every subgraph fetch; absent over WebSocket. */
  requestId?: string;
  /** Gateway-signed identity for subgraphs; signed on first use and again when it ages. */
  identityToken(): Promise<string | null>;
}

export interface IdentityDeps {
  accessTokenKeys: AccessTokenKeys;
  identitySecret: string;
  sign: IdentitySigner;
  sessionRevocations: SessionRevocations;
  apiKeys: ApiKeyVerifier;
}

/** A verified caller; `expiresAt` and `sessionId` are set for access tokens, not API keys. */
export interface Caller {
  identity: Identity;
  expiresAt: Date | null;
  sessionId: string | null;
}

const refused = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/** The reason a signed-in request is refused while the session store (Redis) cannot be read. */
export const SESSION_STORE_UNAVAILABLE = 'SESSION_STORE_UNAVAILABLE';

/**
 * Whether the session was revoked. When Redis cannot answer (a restart), the caller is refused
 * rather than let through unchecked, with a coded error that says to try again (503).
 */
async function isRevoked(sessionId: string, deps: IdentityDeps): Promise<boolean> {
  try {
    return await deps.sessionRevocations.isRevoked(sessionId);
  } catch {
    throw new GraphQLError('Sign-in cannot be checked right now; try again shortly', {
      extensions: { code: 'INTERNAL_SERVER_ERROR', reason: SESSION_STORE_UNAVAILABLE, http: { status: 503 } },
    });
  }
}

export const isSessionStoreUnavailable = (error: unknown) => error instanceof GraphQLError && error.extensions.reason === SESSION_STORE_UNAVAILABLE;

/**
 * Reads `Authorization: Bearer <token>` or `x-api-key`. A credential that is present but bad
 * (forged, expired, logged out, revoked) is refused, never downgraded to anonymous.
 */
export async function authenticate(credentials: { authorization?: string; apiKey?: string }, deps: IdentityDeps): Promise<Caller | null> {
  if (credentials.authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(credentials.authorization.trim());
    const claims = match?.[1] ? await verifyAccessToken(match[1], deps.accessTokenKeys) : null;
    if (!claims) throw refused('The access token is invalid or expired');
    if (await isRevoked(claims.sessionId, deps)) throw refused('The session has ended; sign in again');
    return { identity: { userId: claims.userId, role: claims.role }, expiresAt: claims.expiresAt, sessionId: claims.sessionId };
  }
  if (credentials.apiKey) {
    const identity = await deps.apiKeys(credentials.apiKey);
    if (!identity) throw refused('The API key is invalid, expired or revoked');
    return { identity, expiresAt: null, sessionId: null };
  }
  return null;
}

/** An open WebSocket re-checks its session before each operation: logout takes effect at once. */
export async function requireLiveSession(caller: Caller | null, deps: IdentityDeps): Promise<void> {
  if (caller?.sessionId && (await isRevoked(caller.sessionId, deps))) throw refused('The session has ended; sign in again');
  if (caller?.expiresAt && caller.expiresAt.getTime() <= Date.now()) throw refused('The access token has expired');
}

/** Identity tokens live 60 s; one older than this is signed again before it is sent. */
const RESIGN_AFTER_MS = 30_000;
const SIGNED_MAX = 10_000;

/**
 * Signs identity tokens for subgraphs, reusing one per caller for 30 s: signing per request would
 * also defeat the subgraphs' cache of verified tokens.
 */
export function createIdentitySigner(secret: string) {
  const signed = new Map<string, { token: Promise<string>; at: number }>();
  return (identity: Identity): Promise<string> => {
    const key = `${identity.userId}|${identity.role}|${identity.scopes?.join(',') ?? '*'}`;
    const cached = signed.get(key);
    if (cached && Date.now() - cached.at <= RESIGN_AFTER_MS) return cached.token;
    if (signed.size >= SIGNED_MAX) signed.clear();
    const fresh = { token: signIdentity(identity, secret), at: Date.now() };
    signed.set(key, fresh);
    return fresh.token;
  };
}

export type IdentitySigner = ReturnType<typeof createIdentitySigner>;

export function createGatewayContext(
  identity: Identity | null,
  deps: { sign: IdentitySigner },
  request: { clientIp?: string | null; requestId?: string } = {},
): GatewayContext {
  return {
    identity,
    clientIp: request.clientIp ?? null,
    ...(request.requestId ? { requestId: request.requestId } : {}),
    identityToken: () => (identity ? deps.sign(identity) : Promise.resolve(null)),
  };
}
