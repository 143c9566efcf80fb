import { type AccessTokenKeys, type Identity, signIdentity, verifyAccessToken } from '@nexanest/graphql';
import type { SessionRevocations } from '@nexanest/bus';
import { GraphQLError } from 'graphql';
import type { ApiKeyVerifier } from './api-keys.ts';

/** What every gateway request carries: the verified caller and a token vouching for them. */
export interface GatewayContext {
  identity: Identity | null;
  /** The end client's address, forwarded (signed) to subgraphs for per-IP throttling. */
  clientIp: string | null;
  /** Gateway-signed identity for subgraphs; signed on first use and again when it ages. */
  identityToken(): Promise<string | null>;
}

export interface IdentityDeps {
  accessTokenKeys: AccessTokenKeys;
  identitySecret: string;
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

/**
 * Reads `Authorization: Bearer <token>` or `x-api-key`. A credential that is present but bad
 * (forged, expired, logged out, revoked) is refused, never downgraded to anonymous.
 */
export async function authenticate(credentials: { authorization?: string; apiKey?: string }, deps: IdentityDeps): Promise<Caller | null> {
  if (credentials.authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(credentials.authorization.trim());
    const claims = match?.[1] ? await verifyAccessToken(match[1], deps.accessTokenKeys) : null;
    if (!claims) throw refused('The access token is invalid or expired');
    if (await deps.sessionRevocations.isRevoked(claims.sessionId)) throw refused('The session has ended; sign in again');
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
  if (caller?.sessionId && (await deps.sessionRevocations.isRevoked(caller.sessionId))) throw refused('The session has ended; sign in again');
  if (caller?.expiresAt && caller.expiresAt.getTime() <= Date.now()) throw refused('The access token has expired');
}

/** Identity tokens live 60 s; one older than this is signed again before it is sent. */
const RESIGN_AFTER_MS = 30_000;

export function createGatewayContext(identity: Identity | null, deps: Pick<IdentityDeps, 'identitySecret'>, clientIp: string | null = null): GatewayContext {
  let signed: { token: Promise<string>; at: number } | undefined;
  return {
    identity,
    clientIp,
    identityToken() {
      if (!identity) return Promise.resolve(null);
      if (!signed || Date.now() - signed.at > RESIGN_AFTER_MS) signed = { token: signIdentity(identity, deps.identitySecret), at: Date.now() };
      return signed.token;
    },
  };
}
