import { pgSchema } from 'drizzle-orm/pg-core';

/** Market shares the time-series database with other services; its tables live in their own schema. */
export const marketData = pgSchema('market_data');
