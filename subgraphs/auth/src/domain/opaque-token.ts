import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 (hex) of a high-entropy token: what the database stores instead of the token. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new opaque token (32 random bytes, base64url), its hash, and when it expires. */
export function createOpaqueToken(ttlMs: number, now = new Date()): { token: string; tokenHash: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + ttlMs) };
}
