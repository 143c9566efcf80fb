import { z } from 'zod';
import { appDbPassword, baseEnvSchema, databaseUrl, poolSize, port, productionGuard } from '@nexanest/config';

const DEV_MARKET_SUBGRAPH_URL = 'http://127.0.0.1:8003/graphql';

/**
 * The notifications service's settings. MARKET_SUBGRAPH_URL (asked whether an alert's symbol
 * exists) gets its development default only after the production guard has run.
 */
export const notificationsEnvSchema = baseEnvSchema
  .extend({
    /** The owner's URL: migrations and the background workers use it; requests run as nexanest_app. */
    NOTIFICATIONS_DATABASE_URL: databaseUrl('notifications'),
    /** The time-series database (shared with market and analytics): the audit trail lives in its schema `events`. */
    TIMESCALE_DATABASE_URL: databaseUrl('timescale'),
    APP_DB_PASSWORD: appDbPassword(),
    NOTIFICATIONS_DB_POOL_SIZE: poolSize(20),
    NOTIFICATIONS_PORT: port(8006),
    /** Base URL of the web app that verification and reset links point to. */
    NOTIFICATIONS_APP_URL: z.string().url().default('https://app.nexanest.local'),
    /** The market subgraph's own endpoint, asked whether a price alert's symbol exists. */
    MARKET_SUBGRAPH_URL: z.string().url().optional(),
  })
  .superRefine(productionGuard(['NOTIFICATIONS_DATABASE_URL', 'TIMESCALE_DATABASE_URL', 'MARKET_SUBGRAPH_URL']))
  .transform((env) => ({ ...env, MARKET_SUBGRAPH_URL: env.MARKET_SUBGRAPH_URL ?? DEV_MARKET_SUBGRAPH_URL }));

export type NotificationsEnv = z.infer<typeof notificationsEnvSchema>;
