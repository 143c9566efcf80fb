export { isDatabaseUnavailable } from '@nexanest/db';

/** What a client is told: the contract's INTERNAL_SERVER_ERROR, with a reason it can act on (retry). */
export const DATABASE_UNAVAILABLE = {
  message: 'The database is unavailable; try again shortly',
  extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'DATABASE_UNAVAILABLE' },
} as const;
