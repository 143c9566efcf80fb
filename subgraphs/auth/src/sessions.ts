import { and, eq, isNull } from 'drizzle-orm';
import { AppError, signAccessToken } from '@nexanest/graphql';
import type { AuthDeps } from './context.ts';
import type { AuthDb, AuthTx } from './db/index.ts';
import { refreshTokens, userSessions, users, type UserRow } from './db/schema/index.ts';
import { hashToken } from './domain/opaque-token.ts';
import { createRefreshToken } from './domain/refresh-token.ts';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: UserRow;
}

const invalidRefresh = () => new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');

/** Opens a session with its first refresh token; the refresh token family is the session. */
export async function openSession(tx: AuthTx | AuthDb, userId: string, ip: string | null = null) {
  const [session] = await tx.insert(userSessions).values({ userId, ip }).returning({ id: userSessions.id });
  if (!session) throw new Error('session insert returned no row');
  const refresh = createRefreshToken();
  await tx.insert(refreshTokens).values({ userId, tokenHash: refresh.tokenHash, familyId: session.id, expiresAt: refresh.expiresAt });
  return { sessionId: session.id, refreshToken: refresh.token };
}

export async function issueTokens(deps: AuthDeps, user: UserRow, session: { sessionId: string; refreshToken: string }): Promise<SessionTokens> {
  const access = await signAccessToken({ userId: user.id, role: user.role, sessionId: session.sessionId }, deps.accessTokenKeys);
  return { accessToken: access.token, refreshToken: session.refreshToken, expiresAt: access.expiresAt, user };
}

/** Ends one session in the database: the session row and every refresh token of its family. */
async function endSession(tx: AuthTx | AuthDb, sessionId: string) {
  const now = new Date();
  await tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, sessionId), isNull(refreshTokens.revokedAt)));
  await tx
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}

/**
 * Ends every open session of a user inside `tx` and returns their ids; call
 * `announceRevoked` with them after commit so access tokens stop working at once.
 */
export async function endUserSessions(tx: AuthTx, userId: string): Promise<string[]> {
  const open = await tx
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  return open.map((row) => row.id);
}

export async function announceRevoked(deps: AuthDeps, sessionIds: readonly string[]): Promise<void> {
  await Promise.all(sessionIds.map((id) => deps.sessionRevocations.revoke(id)));
}

/**
 * Rotates a refresh token: the presented one is spent and a new one joins the same family.
 * Presenting a spent token means it leaked (or raced): the whole family and its session end.
 */
export async function refreshSession(deps: AuthDeps, token: string): Promise<SessionTokens> {
  const outcome = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ token: refreshTokens, sessionRevokedAt: userSessions.revokedAt })
      .from(refreshTokens)
      .innerJoin(userSessions, eq(userSessions.id, refreshTokens.familyId))
      .where(eq(refreshTokens.tokenHash, hashToken(token)))
      .for('update', { of: refreshTokens });
    if (!row) return { kind: 'unknown' as const };
    const sessionId = row.token.familyId;
    if (row.token.revokedAt || row.sessionRevokedAt) {
      await endSession(tx, sessionId);
      return { kind: 'reused' as const, sessionId };
    }
    if (row.token.expiresAt.getTime() <= Date.now()) return { kind: 'expired' as const };
    await tx.update(refreshTokens).set({ revokedAt: new Date() }).where(eq(refreshTokens.id, row.token.id));
    const next = createRefreshToken();
    await tx.insert(refreshTokens).values({ userId: row.token.userId, tokenHash: next.tokenHash, familyId: sessionId, expiresAt: next.expiresAt });
    const [user] = await tx.select().from(users).where(eq(users.id, row.token.userId));
    if (!user) throw new Error('refresh token without user');
    return { kind: 'rotated' as const, user, session: { sessionId, refreshToken: next.token } };
  });
  if (outcome.kind === 'reused') await announceRevoked(deps, [outcome.sessionId]);
  if (outcome.kind !== 'rotated') throw invalidRefresh();
  return issueTokens(deps, outcome.user, outcome.session);
}

/** Ends the session the refresh token belongs to, at once for its access tokens too. Idempotent. */
export async function logout(deps: AuthDeps, token: string): Promise<true> {
  const sessionId = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(token)));
    if (!row) return null;
    await endSession(tx, row.familyId);
    return row.familyId;
  });
  if (sessionId) await announceRevoked(deps, [sessionId]);
  return true;
}
