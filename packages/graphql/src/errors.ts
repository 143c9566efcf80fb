import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { retryableDatabaseError } from './database-unavailable.ts';
import { requestIdOfError } from './observability/request-id.ts';

/** The contract's closed set of error codes that our own code raises. */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'RATE_LIMITED' | 'INTERNAL_SERVER_ERROR';

/** Codes that may reach a client with their message intact. */
const PUBLIC_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** A domain error: a code from the closed set and a message written for the caller. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export const badInput = (message: string, field?: string) => new AppError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Sign in to do this');
export const forbidden = (message = 'You may not do this') => new AppError('FORBIDDEN', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);

/**
 * The one place errors are shaped for clients: known codes pass with their message, anything
 * else (driver errors with SQL and parameters, bugs) becomes a bare INTERNAL_SERVER_ERROR and is
 * logged with its detail on the server side only. An unreachable database is INTERNAL_SERVER_ERROR
 * with `reason: DATABASE_UNAVAILABLE` and a message that says so (no detail).
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? '');
    if (PUBLIC_CODES.has(code)) {
      const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const cause = unwrapResolverError(error);
    // The request's id (requestIdPlugin), so the line can be followed across services.
    const requestId = requestIdOfError(error);
    const retryable = retryableDatabaseError(cause);
    if (retryable) {
      // Expected during a database restart or a connection-limit overload: one line without the
      // driver's detail, and a reason the client can act on.
      logger.warn({ requestId, path: formatted.path, code: (cause as { code?: unknown }).code }, retryable.label);
      const { answer } = retryable;
      return { message: answer.message, ...(formatted.path ? { path: formatted.path } : {}), extensions: { ...answer.extensions } };
    }
    logger.error({ requestId, err: cause, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
