/** The code of the error a pool answers with, at once, while its database is known to be unreachable. */
export const DATABASE_DOWN = 'DATABASE_DOWN';
