import { eq } from 'drizzle-orm';
import { badInput } from '@nexanest/graphql';
import type { AuthDeps } from './context.ts';
import { userProfiles, users, type UserProfileRow, type UserRow } from './db/schema/index.ts';
import { parseBaseCurrency, parseDisplayName } from './domain/validation.ts';

export type RiskTolerance = NonNullable<UserProfileRow['riskTolerance']>;

export interface UpdateProfileInput {
  displayName?: string | null;
  baseCurrency?: string | null;
  timezone?: string | null;
  riskTolerance?: RiskTolerance | null;
}

/** An IANA time zone name the runtime knows, e.g. Europe/Berlin; throws BAD_USER_INPUT otherwise. */
export function parseTimezone(raw: string): string {
  const name = raw.trim();
  // Names only: newer runtimes also accept offsets like "+01:00", which are not IANA zones.
  if (name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) throw invalidTimezone();
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name;
  } catch {
    throw invalidTimezone();
  }
}

const invalidTimezone = () => badInput('Time zone must be an IANA name such as Europe/Berlin', 'timezone');

/**
 * Changes the fields given; omitted ones stay. `displayName: null` or "" clears the name;
 * the other fields cannot be cleared (null leaves them as they are).
 */
export async function updateProfile(deps: AuthDeps, userId: string, input: UpdateProfileInput): Promise<UserRow> {
  const changes: Partial<UserProfileRow> = {};
  if (input.displayName !== undefined) changes.displayName = parseDisplayName(input.displayName);
  if (input.baseCurrency != null) changes.baseCurrency = parseBaseCurrency(input.baseCurrency);
  if (input.timezone != null) changes.timezone = parseTimezone(input.timezone);
  if (input.riskTolerance != null) changes.riskTolerance = input.riskTolerance;
  return deps.db.transaction(async (tx) => {
    if (Object.keys(changes).length > 0) await tx.update(userProfiles).set(changes).where(eq(userProfiles.userId, userId));
    const [user] = await tx.update(users).set({ updatedAt: new Date() }).where(eq(users.id, userId)).returning();
    if (!user) throw new Error(`signed-in user ${userId} has no account`);
    return user;
  });
}
