import { and, eq, gt, isNull } from 'drizzle-orm';
import { AppError } from '@nexanest/graphql';
import type { AuthDeps } from './context.ts';
import type { AuthTx } from './db/index.ts';
import { emailVerificationTokens, passwordResetTokens, users } from './db/schema/index.ts';
import { createOpaqueToken, hashToken } from './domain/opaque-token.ts';
import { hashPassword } from './domain/password.ts';
import { assertPasswordPolicy, isValidEmail, normalizeEmail } from './domain/validation.ts';
import { EMAIL_VERIFICATION_REQUESTED, enqueueEvent, PASSWORD_RESET_REQUESTED } from './outbox.ts';
import { announceRevoked, endUserSessions } from './sessions.ts';

export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;
export const EMAIL_VERIFICATION_TTL_MS = 48 * 60 * 60 * 1000;

const invalidToken = (what: string) => new AppError('BAD_USER_INPUT', `This ${what} link is invalid or has expired`, { field: 'token' });

/** Issues a verification token and queues its email, inside the caller's transaction. */
export async function issueEmailVerification(tx: AuthTx, user: { id: string; email: string }): Promise<void> {
  const issued = createOpaqueToken(EMAIL_VERIFICATION_TTL_MS);
  await tx.insert(emailVerificationTokens).values({ userId: user.id, tokenHash: issued.tokenHash, expiresAt: issued.expiresAt });
  await enqueueEvent(tx, EMAIL_VERIFICATION_REQUESTED, { userId: user.id, email: user.email, token: issued.token, expiresAt: issued.expiresAt.toISOString() });
}

/** Queues a reset email when the account exists. Always true: the answer never tells whether it does. */
export async function requestPasswordReset(deps: AuthDeps, rawEmail: string): Promise<true> {
  const email = normalizeEmail(rawEmail);
  if (!isValidEmail(email)) return true;
  await deps.db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email));
    if (!user) return;
    const issued = createOpaqueToken(PASSWORD_RESET_TTL_MS);
    await tx.insert(passwordResetTokens).values({ userId: user.id, tokenHash: issued.tokenHash, expiresAt: issued.expiresAt });
    await enqueueEvent(tx, PASSWORD_RESET_REQUESTED, { userId: user.id, email: user.email, token: issued.token, expiresAt: issued.expiresAt.toISOString() });
  });
  return true;
}

/** Claims a single-use token: marks it used and returns its user, or null when unknown, used or expired. */
async function claim(tx: AuthTx, table: typeof passwordResetTokens | typeof emailVerificationTokens, token: string): Promise<string | null> {
  const [row] = await tx
    .update(table)
    .set({ usedAt: new Date() })
    .where(and(eq(table.tokenHash, hashToken(token)), isNull(table.usedAt), gt(table.expiresAt, new Date())))
    .returning({ userId: table.userId });
  return row?.userId ?? null;
}

/** Sets a new password with a reset token (once), and ends every session of the user. */
export async function resetPassword(deps: AuthDeps, token: string, newPassword: string): Promise<true> {
  const revoked = await deps.db.transaction(async (tx) => {
    const userId = await claim(tx, passwordResetTokens, token);
    if (!userId) throw invalidToken('password reset');
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (!user) throw invalidToken('password reset');
    // A policy failure rolls the claim back, so the user can retry with the same link.
    assertPasswordPolicy(newPassword, user.email);
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(newPassword), updatedAt: new Date() })
      .where(eq(users.id, userId));
    return endUserSessions(tx, userId);
  });
  await announceRevoked(deps, revoked);
  return true;
}

/** Confirms the email address with a verification token (once). */
export async function verifyEmail(deps: AuthDeps, token: string): Promise<true> {
  await deps.db.transaction(async (tx) => {
    const userId = await claim(tx, emailVerificationTokens, token);
    if (!userId) throw invalidToken('verification');
    await tx.update(users).set({ emailVerified: true, updatedAt: new Date() }).where(eq(users.id, userId));
  });
  return true;
}
