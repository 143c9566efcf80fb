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
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw invalidToken();
  const claims = await verifyAccessToken(match[1], deps.accessTokenKeys);
  if (!claims) throw invalidToken();
  return { userId: claims.userId, role: claims.role };
}

export function createGatewayContext(identity: Identity | null, deps: IdentityDeps): GatewayContext {
  let signed: Promise<string> | undefined;
  return {
    identity,
    identityToken() {
      if (!identity) return Promise.resolve(null);
      signed ??= signIdentity(identity, deps.identitySecret);
      return signed;
    },
  };
}
