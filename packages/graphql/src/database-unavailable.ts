import { isDatabaseBusy, isDatabaseUnavailable } from '@nexanest/db';

export { isDatabaseBusy, isDatabaseUnavailable };

/** What a client is told: the contract's INTERNAL_SERVER_ERROR, with a reason it can act on (retry). */
export const DATABASE_UNAVAILABLE = {
  message: 'The database is unavailable; try again shortly',
  extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_UNAVAILABLE' },
} as const;

/** The database is up but refused one more connection (its connection limit): retry shortly. */
export const DATABASE_BUSY = {
  message: 'The database is at its connection limit; try again shortly',
  extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_BUSY' },
} as const;

/**
 * The retryable answer for a database that is down or full, with the log label for it; null for
 * any other error (which stays a masked internal error).
 */
export function retryableDatabaseError(error: unknown): { answer: typeof DATABASE_UNAVAILABLE | typeof DATABASE_BUSY; label: string } | null {
  if (isDatabaseUnavailable(error)) return { answer: DATABASE_UNAVAILABLE, label: 'database unavailable' };
  if (isDatabaseBusy(error)) return { answer: DATABASE_BUSY, label: 'database connection limit reached' };
  return null;
}
