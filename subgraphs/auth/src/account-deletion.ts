import { and, eq, isNull, sql } from 'drizzle-orm';
import { USER_DELETED } from '@nexanest/bus';
import { badInput, requireSignedInUser, unauthenticated, type Identity } from '@nexanest/graphql';
import type { AuthDeps } from './context.ts';
import type { AuthDb, AuthTx } from './db/index.ts';
import { loginAttempts, outboxEvents, userSessions, users } from './db/schema/index.ts';
import { pseudonymFor } from './domain/pseudonym.ts';
import { verifyPassword } from './domain/password.ts';
import { announceRevoked } from './sessions.ts';

/** Payload of user.deleted. `email` lets services erase rows keyed by address (emails, failed sign-ins). */
export interface UserDeletedEvent {
  userId: string;
  email: string;
  pseudonym: string;
}

/**
 * Erases the caller's account once their password confirms it. In one transaction: the user row
 * goes (profile, sessions, refresh tokens, API keys and single-use tokens go with it by cascade),
 * their sign-in attempts and the published outbox events naming them go, and user.deleted is
 * queued in the outbox, so the deletion and its announcement commit together. A wrong password
 * counts as a failed sign-in for throttling and erases nothing.
 */
export async function deleteMyAccount(deps: AuthDeps, identity: Identity | null, password: string): Promise<true> {
  const caller = requireSignedInUser(identity);
  const [user] = await deps.db.select().from(users).where(eq(users.id, caller.userId)).limit(1);
  if (!user) throw unauthenticated();
  await deps.loginThrottle.assertAllowed(user.email, null);
  if (typeof password !== 'string' || !(await verifyPassword(password, user.passwordHash))) {
    await deps.loginThrottle.recordFailure(user.email, null);
    throw badInput('The password is not correct', 'password');
  }
  const event: UserDeletedEvent = { userId: user.id, email: user.email, pseudonym: pseudonymFor(deps.pseudonymSecret, user.id) };
  const revoked = await deps.db.transaction(async (tx) => {
    const open = await tx
      .select({ id: userSessions.id })
      .from(userSessions)
      .where(and(eq(userSessions.userId, user.id), isNull(userSessions.revokedAt)));
    await tx.delete(loginAttempts).where(eq(loginAttempts.email, user.email));
    await purgePublishedEvents(tx, user);
    await tx.delete(users).where(eq(users.id, user.id));
    await tx.insert(outboxEvents).values({ topic: USER_DELETED, payload: event });
    return open.map((row) => row.id);
  });
  await announceRevoked(deps, revoked);
  await deps.loginThrottle.recordSuccess(user.email);
  return true;
}

/**
 * Deletes the outbox events already published that name the user (by id or address). Unpublished
 * ones stay until the relay has sent them, so the audit trail still hears of them; auth's own
 * user.deleted consumer sweeps them (and user.deleted itself) once they are out. `email` must be
 * lower-case.
 */
export async function purgePublishedEvents(
  tx: AuthTx | AuthDb,
  user: { id: string; email: string },
  options: { includeUserDeleted?: boolean } = {},
): Promise<number> {
  // The consumer that read user.deleted from the stream also takes every event queued before it:
  // the relay publishes in created_at order, so those are out too, or are in the batch the relay
  // still holds locked (published_at not yet committed). This delete matches them either way and
  // waits for that lock, where a published_at test would skip a row whose publication was not yet
  // committed and leave it behind for good.
  const done = options.includeUserDeleted
    ? sql`(${outboxEvents.publishedAt} is not null or ${outboxEvents.createdAt} <= (select max(created_at) from ${outboxEvents} where topic = ${USER_DELETED} and strpos(payload::text, ${user.id}) > 0))`
    : sql`${outboxEvents.publishedAt} is not null`;
  const deleted = await tx
    .delete(outboxEvents)
    .where(and(done, sql`(strpos(${outboxEvents.payload}::text, ${user.id}) > 0 or strpos(lower(${outboxEvents.payload}::text), ${user.email}) > 0)`))
    .returning({ id: outboxEvents.id });
  return deleted.length;
}
