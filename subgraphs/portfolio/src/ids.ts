const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are UUIDs in this database. Anything else cannot exist, and must answer NOT_FOUND rather
 * than reach PostgreSQL as a cast error.
 */
export const isUuid = (value: string): boolean => UUID.test(value);

/** PostgreSQL prints UUIDs in lower case; callers may not. */
export const idKey = (value: string): string => value.toLowerCase();
