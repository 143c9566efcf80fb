/**
 * The audit trail lives in the time-series database (schema `events`) and is created by the
 * hand-written migrations in drizzle-events/ (hypertables or native partitions, decided at run
 * time); it is queried with postgres.js, so drizzle has no tables to describe here.
 */
export const AUDIT_SCHEMA = 'events';
