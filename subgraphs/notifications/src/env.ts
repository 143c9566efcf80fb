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
    NOTIFICATIONS_DB_POOL_SIZE: poolSize(10),
    NOTIFICATIONS_PORT: port(8006),
    /** Base URL of the web app that verification and reset links point to. */
    NOTIFICATIONS_APP_URL: z.string().url().default('https://app.nexanest.local'),
    /** The market subgraph's own endpoint, asked whether a price alert's symbol exists. */
    MARKET_SUBGRAPH_URL: z.string().url().optional(),
    /**
     * SMTP server the email sender delivers the outbox through, e.g. smtps://user:pass@mail.example:465
     * or smtp://127.0.0.1:1025. Unset: emails stay in the outbox (development).
     */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s/]+/, 'SMTP_URL must be an smtp:// or smtps:// URL')
      .refine((value) => URL.canParse(value), 'SMTP_URL is not a valid URL')
      .optional(),
    /** The From header of every email. */
    NOTIFICATIONS_EMAIL_FROM: z.string().min(3).default('NexaNest <no-reply@nexanest.local>'),
    /** How often the sender looks for due emails, in milliseconds. */
    NOTIFICATIONS_EMAIL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    /** Tries per email before the sender gives up on it (it stays unsent, with its last error). */
    NOTIFICATIONS_EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** First retry delay; each further retry waits twice as long, up to an hour. */
    NOTIFICATIONS_EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).default(30_000),
    /**
     * How long an entry of the events stream is kept after every consumer group has acknowledged it,
     * in hours (0: trimmed at the next round). Entries naming an erased user are gone within this.
     */
    EVENTS_RETENTION_HOURS: z.coerce.number().min(0).max(8760).default(24),
    /** How long a dead letter (`<ns>:events:dead`) is kept for inspection and replay, in hours. */
    EVENTS_DEAD_LETTER_RETENTION_HOURS: z.coerce.number().min(0).max(8760).default(168),
    /** How often the events stream and its dead-letter stream are trimmed, in milliseconds. */
    EVENTS_TRIM_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  })
  .superRefine(productionGuard(['NOTIFICATIONS_DATABASE_URL', 'TIMESCALE_DATABASE_URL', 'MARKET_SUBGRAPH_URL']))
  .transform((env) => ({ ...env, MARKET_SUBGRAPH_URL: env.MARKET_SUBGRAPH_URL ?? DEV_MARKET_SUBGRAPH_URL }));

export type NotificationsEnv = z.infer<typeof notificationsEnvSchema>;
