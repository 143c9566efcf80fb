import type { GraphQLFormattedError } from 'graphql';
import { createFormatError, type Logger } from '@nexanest/graphql';

const UPSTREAM_REASONS = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

/**
 * The gateway's error shaping: the shared rules (known codes pass, the rest is masked), plus
 * errors that came from a subgraph keep `serviceName`, so a client can tell which part failed,
 * and an unavailable subgraph keeps its (URL-free) message.
 */
export function createGatewayFormatError(logger: Logger) {
  const shared = createFormatError(logger);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const serviceName = formatted.extensions?.serviceName;
    const reason = formatted.extensions?.reason;
    if (typeof serviceName === 'string' && typeof reason === 'string' && UPSTREAM_REASONS.has(reason)) {
      return { ...formatted, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName, reason } };
    }
    const shaped = shared(formatted, error);
    if (typeof serviceName !== 'string') return shaped;
    return { ...shaped, extensions: { ...shaped.extensions, serviceName } };
  };
}
