import type { GraphQLFormattedError } from 'graphql';
import { createFormatError, type Logger } from '@nexanest/graphql';
import { SESSION_STORE_UNAVAILABLE } from './context.ts';

const APQ_HASH_MISMATCH = 'provided sha does not match query';
// A subgraph whose database is restarting or at its connection limit says so (packages/graphql's
// DATABASE_UNAVAILABLE and DATABASE_BUSY).
const UPSTREAM_REASONS = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'DATABASE_UNAVAILABLE', 'DATABASE_BUSY']);

/**
 * The gateway's error shaping: the shared rules (known codes pass, the rest is masked), plus
 * errors that came from a subgraph keep `serviceName`, so a client can tell which part failed,
 * and an unavailable subgraph (or a subgraph's unavailable database) keeps its detail-free message. Apollo's BAD_REQUEST answers as
 * BAD_USER_INPUT.
 */
export function createGatewayFormatError(logger: Logger) {
  const shared = createFormatError(logger);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const serviceName = formatted.extensions?.serviceName;
    const reason = formatted.extensions?.reason;
    if (typeof serviceName === 'string' && typeof reason === 'string' && UPSTREAM_REASONS.has(reason)) {
      return { ...formatted, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName, reason } };
    }
    // Apollo's own refusals of the HTTP request itself (batching off, CSRF, no query, GET for a
    // mutation) say BAD_REQUEST, outside the contract's closed set; their messages are safe.
    // APQ's hash mismatch is a client mistake Apollo raises uncoded (so INTERNAL_SERVER_ERROR).
    const apqMismatch = formatted.message === APQ_HASH_MISMATCH;
    if ((formatted.extensions?.code === 'BAD_REQUEST' || apqMismatch) && typeof serviceName !== 'string') {
      return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    // The gateway's own refusal while Redis (the session store) is away: coded, with a reason to retry.
    if (formatted.extensions?.reason === SESSION_STORE_UNAVAILABLE && typeof serviceName !== 'string') {
      return { message: formatted.message, extensions: { code: 'INTERNAL_SERVER_ERROR', reason: SESSION_STORE_UNAVAILABLE } };
    }
    const shaped = shared(formatted, error);
    if (typeof serviceName !== 'string') return shaped;
    return { ...shaped, extensions: { ...shaped.extensions, serviceName } };
  };
}
