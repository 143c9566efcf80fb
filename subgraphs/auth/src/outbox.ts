import type { AuthDb, AuthTx } from './db/index.ts';
import { outboxEvents } from './db/schema/index.ts';

/** Topics auth publishes on `${namespace}:events` (catalog: docs/events.md). */
export const EMAIL_VERIFICATION_REQUESTED = 'email_verification.requested';
export const PASSWORD_RESET_REQUESTED = 'password_reset.requested';
export const USER_REGISTERED = 'user.registered';
export const LOGIN_SUCCEEDED = 'login.succeeded';
export const LOGIN_FAILED = 'login.failed';
export const LOGIN_SUSPICIOUS = 'login.suspicious';
export const ROLE_CHANGED = 'role.changed';

/** Payload of both email topics. `token` goes into the emailed link: never log it. */
export interface EmailTokenEvent {
  userId: string;
  email: string;
  token: string;
  expiresAt: string;
}

/** Writes an event in the caller's transaction; the relay publishes it after commit. */
export async function enqueueEvent(tx: AuthTx | AuthDb, topic: string, payload: EmailTokenEvent | Record<string, unknown>): Promise<void> {
  try {
    await tx.insert(outboxEvents).values({ topic, payload });
  } catch (error) {
    // drizzle's error message and the driver's error carry the parameters, i.e. the token; the
    // error formatter logs unexpected errors, so only the SQLSTATE survives.
    throw Object.assign(new Error(`could not write ${topic} to the outbox`), { code: sqlState(error) });
  }
}

const sqlState = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error) return String(error.code);
  return 'cause' in error ? sqlState(error.cause) : undefined;
};
