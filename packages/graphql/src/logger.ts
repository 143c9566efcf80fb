import { pino, type Logger } from 'pino';

/** One structured logger per service. Secrets and tokens are redacted wherever they appear. */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({
    name: service,
    level,
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
  });
}
export type { Logger };
