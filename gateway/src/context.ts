import { AccessTokenKeys, signIdentity, verifyAccessToken, type Identity } from '@nexanest/graphql';
import { GraphQLError } from 'graphql';

/** What every gateway request carries: the verified caller and a token vouching for them. */
export interface GatewayContext {
  identity: Identity | null;
  /** Gateway-signed identity for subgraphs; signed once per request, on first use. */
  identityToken(): Promise<string | null>;
}

export interface IdentityDeps {
  accessTokenKeys: AccessTokenKeys;
  identitySecret: string;
}

const invalidToken = () =>
  new GraphQLError('The access token is invalid or expired', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

/** Reads `Bearer <token>`; a present but bad token is refused rather than treated as anonymous. */
export async function identityFromAuthorization(header: string | undefined, deps: IdentityDeps): Promise<Identity | null> {
  return (await sessionFromAuthorization(header, deps))?.identity ?? null;
}

/** The caller and when their access token expires (a WebSocket must not outlive it). */
export async function sessionFromAuthorization(header: string | undefined, deps: IdentityDeps): Promise<{ identity: Identity; expiresAt: Date } | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw invalidToken();
  const claims = await verifyAccessToken(match[1], deps.accessTokenKeys);
  if (!claims) throw invalidToken();
  return { identity: { userId: claims.userId, role: claims.role }, expiresAt: claims.expiresAt };
}

/** Identity tokens live 60 s; one older than this is signed again before it is sent. */
const RESIGN_AFTER_MS = 30_000;

export function createGatewayContext(identity: Identity | null, deps: IdentityDeps): GatewayContext {
  let signed: { token: Promise<string>; at: number } | undefined;
  return {
    identity,
    identityToken() {
      if (!identity) return Promise.resolve(null);
      if (!signed || Date.now() - signed.at > RESIGN_AFTER_MS) signed = { token: signIdentity(identity, deps.identitySecret), at: Date.now() };
      return signed.token;
    },
  };
}
