import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

// Driver errors carry the statement's parameters (postgres.js `parameters`, drizzle's
// "params: ..." line): they may hold emails, password hashes or tokens, so they never reach a log.
const PARAMETER_FIELDS = ['parameters', 'params', 'query', 'args'];
const withoutParams = (text: unknown) => (typeof text === 'string' ? text.replace(/\nparams:[\s\S]*?(?=\n\s+at |$)/, '\nparams: [redacted]') : text);

function safeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error) || depth > 3) return value;
  const serialized = stdSerializers.err(value) as unknown as Record<string, unknown>;
  for (const field of PARAMETER_FIELDS) delete serialized[field];
  serialized.message = withoutParams(serialized.message);
  serialized.stack = withoutParams(serialized.stack);
  if ((value as { cause?: unknown }).cause) serialized.cause = safeError((value as { cause?: unknown }).cause, depth + 1);
  return serialized;
}

/** One structured logger per service. Secrets, tokens and SQL parameters are kept out. */
export function createLogger(service: string, level: string = 'info', destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level,
    serializers: { err: safeError },
    redact: {
      paths: [
        '*.password',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.authorization',
        '*.secret',
        'req.headers.authorization',
        'req.headers["x-api-key"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
