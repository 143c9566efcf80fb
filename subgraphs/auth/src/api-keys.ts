import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { badInput, notFound } from '@nexanest/graphql';
import type { AuthDeps } from './context.ts';
import { apiKeys, users, type ApiKeyRow } from './db/schema/index.ts';
import { hashToken } from './domain/opaque-token.ts';

/** Scopes an API key may carry. */
export const API_KEY_SCOPES = ['market:write', 'portfolio:read', 'portfolio:write'] as const;

/** `last_used_at` is written at most this often per key, so busy keys do not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET = /^nn_([A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
}

/**
 * A new key: `nn_<prefix>_<32 random bytes, base64url>`. The secret is high-entropy, so its
 * SHA-256 is a safe thing to store (no slow hash needed); it is returned once, here.
 */
export function generateApiKeySecret(): { secret: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const secret = `nn_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: `nn_${prefix}`, secretHash: hashToken(secret) };
}

export async function createApiKey(deps: AuthDeps, userId: string, input: CreateApiKeyInput): Promise<{ secret: string; apiKey: ApiKeyRow }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw badInput('Name must be 1 to 100 characters', 'name');
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0 || scopes.some((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope))) {
    throw badInput(`Scopes must be a non-empty subset of ${API_KEY_SCOPES.join(', ')}`, 'scopes');
  }
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('Expiry must be in the future', 'expiresAt');
  const { secret, prefix, secretHash } = generateApiKeySecret();
  const [apiKey] = await deps.db
    .insert(apiKeys)
    .values({ userId, name, prefix, secretHash, scopes, expiresAt: input.expiresAt ?? null })
    .returning();
  if (!apiKey) throw new Error('api key insert returned no row');
  return { secret, apiKey };
}

/** Revokes one of the caller's own keys; anyone else's key answers NOT_FOUND, like a missing one. */
export async function revokeApiKey(deps: AuthDeps, userId: string, id: string): Promise<true> {
  if (!UUID.test(id)) throw notFound('API key');
  const [row] = await deps.db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!row) throw notFound('API key');
  return true;
}

export interface VerifiedApiKey {
  keyId: string;
  userId: string;
  role: 'USER' | 'ADVISOR' | 'ADMIN' | 'SUPERUSER';
  scopes: string[];
}

/** The key's owner and scopes, or null for an unknown, revoked or expired key. Touches last_used_at. */
export async function verifyApiKeySecret(deps: AuthDeps, secret: string, now = new Date()): Promise<VerifiedApiKey | null> {
  if (!SECRET.test(secret)) return null;
  const [row] = await deps.db
    .select({ key: apiKeys, role: users.role })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.secretHash, hashToken(secret)));
  if (!row || row.key.revokedAt || (row.key.expiresAt && row.key.expiresAt.getTime() <= now.getTime())) return null;
  const lastUsed = row.key.lastUsedAt?.getTime() ?? 0;
  if (now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
    await deps.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.key.id));
  }
  return { keyId: row.key.id, userId: row.key.userId, role: row.role, scopes: row.key.scopes };
}
