import type { z } from 'zod';
import { baseEnvSchema, databaseUrl, poolSize, port, productionGuard } from '@nexanest/config';

export const analyticsEnvSchema = baseEnvSchema
  .extend({
    ANALYTICS_DATABASE_URL: databaseUrl('analytics'),
    ANALYTICS_DB_POOL_SIZE: poolSize(40),
    /** The shared time-series database; analytics owns the analytics_ts schema in it. */
    TIMESCALE_DATABASE_URL: databaseUrl('timescale'),
    TIMESCALE_DB_POOL_SIZE: poolSize(50),
    ANALYTICS_PORT: port(8005),
  })
  .superRefine(productionGuard(['ANALYTICS_DATABASE_URL', 'TIMESCALE_DATABASE_URL']));

export type AnalyticsEnv = z.infer<typeof analyticsEnvSchema>;
