import { createHash, randomBytes } from 'node:crypto';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** SHA-256 of a refresh token: what the database stores instead of the token. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new opaque refresh token (32 random bytes), its hash, and its expiry. */
export function createRefreshToken(now = new Date()): { token: string; tokenHash: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token), expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS) };
}
