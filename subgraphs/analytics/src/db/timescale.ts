/**
 * analytics_ts lives in the time-series database and is created by the hand-written migrations
 * in drizzle-timescale/; it is queried with postgres.js, so drizzle has no tables to describe here.
 */
export const TIMESCALE_SCHEMA = 'analytics_ts';
