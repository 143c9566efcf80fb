import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { hmacKey } from './hmac-key.ts';
import type { Identity } from './identity.ts';

/** Access tokens live 15 minutes; refresh tokens renew them. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

const ISSUER = 'nexanest-auth';
const AUDIENCE = 'nexanest-api';

/**
 * Signing keys by key id. The current key signs; every listed key verifies, so a key can be
 * rotated by adding the new one, switching `current`, and dropping the old one after 15 minutes.
 */
export interface AccessTokenKeys {
  current: string;
  keys: Record<string, string>;
}

/** Development and single-key deployments: one key with id "k1" from JWT_SECRET. */
export const singleKey = (secret: string): AccessTokenKeys => ({ current: 'k1', keys: { k1: secret } });

export async function signAccessToken(
  claims: { userId: string; role: Identity['role']; sessionId: string },
  keys: AccessTokenKeys,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const secret = keys.keys[keys.current];
  if (!secret) throw new Error(`no signing key with id ${keys.current}`);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + ACCESS_TOKEN_TTL_SECONDS) * 1000);
  const token = await new SignJWT({ role: claims.role, sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', kid: keys.current, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(secret));
  return { token, expiresAt };
}

export interface VerifiedAccessToken {
  userId: string;
  role: Identity['role'];
  sessionId: string;
  expiresAt: Date;
}

/** Returns the token's claims, or null when it is malformed, forged, expired or signed by an unknown key. */
export async function verifyAccessToken(token: string, keys: AccessTokenKeys): Promise<VerifiedAccessToken | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const secret = header.kid ? keys.keys[header.kid] : undefined;
        if (!secret) throw new joseErrors.JWKSNoMatchingKey();
        return hmacKey(secret);
      },
      { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] },
    );
    const role = String(payload.role);
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
    if (!['USER', 'ADVISOR', 'ADMIN', 'SUPERUSER'].includes(role)) return null;
    if (typeof payload.exp !== 'number') return null;
    return { userId: payload.sub, role: role as Identity['role'], sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
  } catch {
    return null;
  }
}
