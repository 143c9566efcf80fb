import { SignJWT, jwtVerify } from 'jose';
import { hmacKey } from './hmac-key.ts';

/** Who is calling, as the gateway established it. */
export interface Identity {
  userId: string;
  role: 'USER' | 'ADVISOR' | 'ADMIN' | 'SUPERUSER';
  /** Scopes of an API key; absent for a signed-in user, who has every scope of their role. */
  scopes?: string[];
}

/** Header that carries the gateway-signed identity to subgraphs. */
export const IDENTITY_HEADER = 'x-nexanest-identity';

const ISSUER = 'nexanest-gateway';
const AUDIENCE = 'nexanest-subgraphs';

/**
 * The gateway vouches for the caller with a short-lived token signed by a key only the gateway
 * and the subgraphs share; a client cannot forge it by setting the header itself.
 */
export async function signIdentity(identity: Identity, secret: string, ttlSeconds = 60): Promise<string> {
  return new SignJWT({ role: identity.role, ...(identity.scopes ? { scopes: identity.scopes } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await hmacKey(secret));
}

/**
 * Tokens already verified, until they expire: the gateway reuses a token for many fetches, and
 * an HMAC check per fetch is measurable on a hot path. Bounded; cleared when full.
 */
const verifiedBySecret = new Map<string, Map<string, { identity: Identity; expiresAt: number }>>();
const VERIFIED_MAX = 10_000;

const verifiedFor = (secret: string) => {
  let verified = verifiedBySecret.get(secret);
  if (!verified) {
    verified = new Map();
    verifiedBySecret.set(secret, verified);
  }
  return verified;
};

/** Returns the identity, or null for a missing, forged or expired token. */
export async function verifyIdentity(token: string | undefined, secret: string): Promise<Identity | null> {
  if (!token) return null;
  const verified = verifiedFor(secret);
  const known = verified.get(token);
  if (known && known.expiresAt > Date.now()) return known.identity;
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || !['USER', 'ADVISOR', 'ADMIN', 'SUPERUSER'].includes(String(role))) return null;
    const scopes = Array.isArray(payload.scopes) ? payload.scopes.map(String) : undefined;
    const identity: Identity = { userId: payload.sub, role: role as Identity['role'], ...(scopes ? { scopes } : {}) };
    if (typeof payload.exp === 'number') {
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, { identity, expiresAt: payload.exp * 1000 });
    }
    return identity;
  } catch {
    return null;
  }
}
