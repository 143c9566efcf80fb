import { z } from 'zod';
import { baseEnvSchema, databaseUrl, poolSize, port, productionGuard } from '@nexanest/config';

export const notificationsEnvSchema = baseEnvSchema
  .extend({
    NOTIFICATIONS_DATABASE_URL: databaseUrl('notifications'),
    NOTIFICATIONS_DB_POOL_SIZE: poolSize(20),
    NOTIFICATIONS_PORT: port(8006),
    /** Base URL of the web app that verification and reset links point to. */
    NOTIFICATIONS_APP_URL: z.string().url().default('https://app.nexanest.local'),
  })
  .superRefine(productionGuard(['NOTIFICATIONS_DATABASE_URL']));

export type NotificationsEnv = z.infer<typeof notificationsEnvSchema>;
