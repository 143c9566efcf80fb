import { DATABASE_DOWN } from './database-gate-code.ts';

/**
 * Errors that mean "the database cannot be reached right now" (refused, reset, closed, shutting
 * down, starting up), as postgres.js and PostgreSQL report them, under any wrapping (Apollo's
 * resolver error, drizzle's query error): the request may be tried again shortly.
 */
const CONNECTION_CODES = new Set([
  // This pool's own refusal while the database is known to be down (database-gate.ts).
  DATABASE_DOWN,
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down).
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * SQLSTATE too_many_connections: the server (max_connections) or the database (CONNECTION LIMIT)
 * refused one more connection. The database is up and the pool's open connections still work.
 */
const TOO_MANY_CONNECTIONS = '53300';

/** Whether `matches` holds for the error or anything it wraps (cause, originalError, an AggregateError's errors). */
function anyCause(error: unknown, matches: (code: string) => boolean, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  // A failed HTTP call (undici's fetch) to another service is not the database, whatever socket
  // code its cause carries; callers wrap it as their own unavailable-service error.
  if (error instanceof TypeError && error.message === 'fetch failed') return false;
  const { code, cause, originalError, errors } = error as { code?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof code === 'string' && matches(code)) return true;
  // Node reports a refused dual-stack connect as an AggregateError of one per address.
  if (Array.isArray(errors) && errors.some((each) => anyCause(each, matches, depth + 1))) return true;
  return anyCause(cause, matches, depth + 1) || anyCause(originalError, matches, depth + 1);
}

// SQLSTATE class 08: connection exceptions.
const isConnectionCode = (code: string) => CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code);

export const isDatabaseUnavailable = (error: unknown): boolean => anyCause(error, isConnectionCode);

/**
 * The database refused a new connection because it has too many: an overload the client may
 * retry, not a failed database (the pool gate does not trip on it).
 */
export const isDatabaseBusy = (error: unknown): boolean => anyCause(error, (code) => code === TOO_MANY_CONNECTIONS);
