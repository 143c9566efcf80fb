import { eq } from 'drizzle-orm';
import { conflict, AppError, signAccessToken, type AccessTokenKeys } from '@nexanest/graphql';
import { isUniqueViolation } from '@nexanest/db';
import type { AuthDb } from './db/index.ts';
import { refreshTokens, userProfiles, userSessions, users, type UserRow } from './db/schema/index.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './domain/password.ts';
import { createRefreshToken } from './domain/refresh-token.ts';
import { assertPasswordPolicy, isValidEmail, normalizeEmail, parseBaseCurrency, parseDisplayName, parseEmail } from './domain/validation.ts';

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: UserRow;
}

export interface RegisterInput {
  email: string;
  password: string;
  displayName?: string | null;
  baseCurrency?: string | null;
}

/** Everything sign-in needs: the database and the keys access tokens are signed with. */
export interface AccountDeps {
  db: AuthDb;
  accessTokenKeys: AccessTokenKeys;
}

type Tx = Parameters<Parameters<AuthDb['transaction']>[0]>[0];

const INVALID_CREDENTIALS = 'Invalid email or password';

/** Opens a session with its first refresh token; the refresh token family is the session. */
async function openSession(tx: Tx | AuthDb, userId: string) {
  const [session] = await tx.insert(userSessions).values({ userId }).returning({ id: userSessions.id });
  if (!session) throw new Error('session insert returned no row');
  const refresh = createRefreshToken();
  await tx.insert(refreshTokens).values({ userId, tokenHash: refresh.tokenHash, familyId: session.id, expiresAt: refresh.expiresAt });
  return { sessionId: session.id, refreshToken: refresh.token };
}

async function issue(deps: AccountDeps, user: UserRow, session: { sessionId: string; refreshToken: string }): Promise<AuthPayload> {
  const access = await signAccessToken({ userId: user.id, role: user.role, sessionId: session.sessionId }, deps.accessTokenKeys);
  return { accessToken: access.token, refreshToken: session.refreshToken, expiresAt: access.expiresAt, user };
}

/**
 * Creates a user, their profile, a session and a refresh token in one transaction. Input is
 * validated before anything is written; a taken email is caught by the unique index.
 */
export async function registerUser(deps: AccountDeps, input: RegisterInput): Promise<AuthPayload> {
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
      return { user, session: await openSession(tx, user.id) };
    });
    return await issue(deps, user, session);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('An account with this email already exists');
    throw error;
  }
}

/** Signs in. Unknown email and wrong password answer alike, after the same scrypt work. */
export async function loginUser(deps: AccountDeps, rawEmail: string, password: string): Promise<AuthPayload> {
  const email = normalizeEmail(rawEmail);
  const [user] = isValidEmail(email) ? await deps.db.select().from(users).where(eq(users.email, email)).limit(1) : [];
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
  if (!user || !ok) throw new AppError('UNAUTHENTICATED', INVALID_CREDENTIALS);
  return issue(deps, user, await openSession(deps.db, user.id));
}
