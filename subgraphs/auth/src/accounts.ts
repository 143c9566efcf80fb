import { eq } from 'drizzle-orm';
import { conflict, AppError } from '@nexanest/graphql';
import { isUniqueViolation } from '@nexanest/db';
import type { AuthDeps } from './context.ts';
import { loginAttempts, userProfiles, users } from './db/schema/index.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './domain/password.ts';
import { assertPasswordPolicy, isValidEmail, normalizeEmail, parseBaseCurrency, parseDisplayName, parseEmail } from './domain/validation.ts';
import { issueEmailVerification } from './email-tokens.ts';
import { enqueueEvent, LOGIN_FAILED, LOGIN_SUCCEEDED, LOGIN_SUSPICIOUS, USER_REGISTERED } from './outbox.ts';
import { issueTokens, openSession, type SessionTokens } from './sessions.ts';

export type AuthPayload = SessionTokens;

export interface RegisterInput {
  email: string;
  password: string;
  displayName?: string | null;
  baseCurrency?: string | null;
}

/** Everything sign-in needs. */
export type AccountDeps = AuthDeps;

const INVALID_CREDENTIALS = 'Invalid email or password';

/**
 * Creates a user, their profile, a session, a refresh token and an email verification token
 * (queued in the outbox) in one transaction. Input is validated before anything is written; a
 * taken email is caught by the unique index.
 */
export async function registerUser(deps: AccountDeps, input: RegisterInput, ip: string | null = null): Promise<AuthPayload> {
  const email = parseEmail(input.email);
  assertPasswordPolicy(input.password, email);
  const baseCurrency = parseBaseCurrency(input.baseCurrency);
  const displayName = parseDisplayName(input.displayName);
  const passwordHash = await hashPassword(input.password);
  try {
    const { user, session } = await deps.db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email, passwordHash }).returning();
      if (!user) throw new Error('user insert returned no row');
      await tx.insert(userProfiles).values({ userId: user.id, displayName, baseCurrency });
      await issueEmailVerification(tx, user);
      await enqueueEvent(tx, USER_REGISTERED, { userId: user.id, email: user.email, displayName });
      return { user, session: await openSession(tx, user.id, ip) };
    });
    return await issueTokens(deps, user, session);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('An account with this email already exists');
    throw error;
  }
}

/**
 * Signs in. Unknown email and wrong password answer alike, after the same scrypt work. Every
 * attempt is recorded; too many failures per email (or per gateway-vouched IP) answer RATE_LIMITED.
 */
export async function loginUser(deps: AccountDeps, rawEmail: string, password: string, ip: string | null = null): Promise<AuthPayload> {
  const email = normalizeEmail(rawEmail);
  await deps.loginThrottle.assertAllowed(email, ip);
  const [user] = isValidEmail(email) ? await deps.db.select().from(users).where(eq(users.email, email)).limit(1) : [];
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
  const succeeded = Boolean(user && ok);
  const suspicious = succeeded && ip !== null && (await isNewAddress(deps, email, ip));
  await deps.db.transaction(async (tx) => {
    await tx.insert(loginAttempts).values({ email: email.slice(0, 320), ip, succeeded });
    if (user && succeeded) {
      await enqueueEvent(tx, LOGIN_SUCCEEDED, { userId: user.id, ip });
      if (suspicious) await enqueueEvent(tx, LOGIN_SUSPICIOUS, { userId: user.id, ip });
    } else {
      await enqueueEvent(tx, LOGIN_FAILED, { email: email.slice(0, 320), ip });
    }
  });
  if (!user || !ok) {
    await deps.loginThrottle.recordFailure(email, ip);
    throw new AppError('UNAUTHENTICATED', INVALID_CREDENTIALS);
  }
  await deps.loginThrottle.recordSuccess(email);
  return issueTokens(deps, user, await openSession(deps.db, user.id, ip));
}

/**
 * A sign-in is suspicious when the user has signed in successfully before, from a known
 * address, and never from this one (the address the gateway vouched for; without one nothing
 * is judged). The first sign-in of an account is not suspicious. The user agent is not compared:
 * the gateway does not forward it to auth.
 */
async function isNewAddress(deps: AccountDeps, email: string, ip: string): Promise<boolean> {
  const [row] = await deps.sql<{ known: boolean | null; seen: boolean | null }[]>`
    select bool_or(true) as known, bool_or(ip = ${ip}) as seen
    from login_attempts where email = ${email} and succeeded and ip is not null`;
  return row?.known === true && row.seen !== true;
}
