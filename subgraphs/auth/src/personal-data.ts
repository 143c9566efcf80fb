import { desc, eq } from 'drizzle-orm';
import { forbidden, requireSignedInUser, type Identity } from '@nexanest/graphql';
import type { AuthDeps } from './context.ts';
import { apiKeys, loginAttempts, outboxEvents, userProfiles, userSessions, users } from './db/schema/index.ts';

/** Topic recorded in the audit trail each time a user exports their data. */
export const DATA_EXPORTED = 'data.exported';

/** Reference to a user's export; every service resolves its own part of it. */
export interface PersonalDataRef {
  userId: string;
  generatedAt?: Date;
}

/**
 * Only the user themself, signed in (not with an API key), reads their export; anyone else is
 * FORBIDDEN. Every service applies the same rule to its own part.
 */
export function assertOwnData(identity: Identity | null, userId: string): void {
  const caller = requireSignedInUser(identity);
  if (caller.userId.toLowerCase() !== userId.toLowerCase()) throw forbidden('Only the user themself may export their data');
}

/** Starts an export: queues data.exported (for the audit trail) and hands out the reference the other services resolve. */
export async function startExport(deps: AuthDeps, identity: Identity | null, userId: string): Promise<PersonalDataRef> {
  assertOwnData(identity, userId);
  await deps.db.insert(outboxEvents).values({ topic: DATA_EXPORTED, payload: { userId } });
  return { userId, generatedAt: new Date() };
}

/** auth's part: the account, profile, sessions, API keys (no secrets) and sign-in attempts. */
export async function exportAccount(deps: AuthDeps, userId: string): Promise<Record<string, unknown>> {
  const [user] = await deps.db.select().from(users).where(eq(users.id, userId));
  if (!user) return {};
  const [profile] = await deps.db.select().from(userProfiles).where(eq(userProfiles.userId, userId));
  const sessions = await deps.db.select().from(userSessions).where(eq(userSessions.userId, userId)).orderBy(desc(userSessions.createdAt));
  const keys = await deps.db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
  const attempts = await deps.db
    .select({ ip: loginAttempts.ip, succeeded: loginAttempts.succeeded, createdAt: loginAttempts.createdAt })
    .from(loginAttempts)
    .where(eq(loginAttempts.email, user.email))
    .orderBy(desc(loginAttempts.createdAt));
  return {
    user: { id: user.id, email: user.email, role: user.role, emailVerified: user.emailVerified, createdAt: user.createdAt, updatedAt: user.updatedAt },
    profile: profile
      ? { displayName: profile.displayName, baseCurrency: profile.baseCurrency, timezone: profile.timezone, riskTolerance: profile.riskTolerance }
      : null,
    sessions: sessions.map((s) => ({ id: s.id, createdAt: s.createdAt, revokedAt: s.revokedAt, ip: s.ip, userAgent: s.userAgent })),
    apiKeys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      createdAt: k.createdAt,
      expiresAt: k.expiresAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
    })),
    loginAttempts: attempts,
  };
}
