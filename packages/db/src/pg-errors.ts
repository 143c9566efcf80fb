/** SQLSTATE helpers: the driver's errors carry SQL and parameters and never reach a client. */
const codeOf = (error: unknown) => (typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '');

export const isUniqueViolation = (error: unknown) => codeOf(error) === '23505';

export const isConnectionError = (error: unknown) =>
  ['ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', '57P01', '57P03'].includes(codeOf(error));
