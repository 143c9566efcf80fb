import type { ErrorRequestHandler } from 'express';
import type { Logger } from '@nexanest/graphql';

/** What body-parser (behind express.json) attaches to the errors it raises. */
interface BodyParserError {
  status: number;
  type: string;
  limit?: number;
}

const isBodyParserError = (error: unknown): error is BodyParserError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { status?: unknown }).status === 'number' &&
  typeof (error as { type?: unknown }).type === 'string';

/** Messages written for the caller; body-parser's own name internals ("entity.parse.failed"). */
function messageFor(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.too.large':
      return `The request body is larger than the limit of ${error.limit ?? 'the gateway'} bytes`;
    case 'entity.parse.failed':
      return 'The request body is not valid JSON';
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return 'The request body encoding is not supported';
    default:
      return 'The request body could not be read';
  }
}

/**
 * The last middleware on /graphql: a body the gateway refuses to read still answers a
 * GraphQL-shaped JSON error with a code (413 too large, 400 malformed, 415 bad encoding), and
 * anything else a bare INTERNAL_SERVER_ERROR. Never Express's HTML page, never a stack.
 */
export function createBodyErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isBodyParserError(error) && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ errors: [{ message: messageFor(error), extensions: { code: 'BAD_USER_INPUT' } }] });
      return;
    }
    logger.error({ requestId: res.locals.requestId, err: error }, 'unexpected error before GraphQL execution');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  };
}
