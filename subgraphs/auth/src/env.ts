import { z } from 'zod';
import { auditPseudonymSecret, baseEnvSchema, databaseUrl, isProduction, poolSize, port, productionGuard } from '@nexanest/config';

/** Development password of the bootstrap admin; production refuses it. */
export const DEV_ADMIN_PASSWORD = 'admin_dev_password';

export const authEnvSchema = baseEnvSchema
  .extend({
    AUTH_DATABASE_URL: databaseUrl('auth'),
    AUTH_DB_POOL_SIZE: poolSize(10),
    AUTH_PORT: port(8001),
    /** Password of admin@nexanest.local. Development defaults it; production bootstraps only when set. */
    NEXANEST_ADMIN_PASSWORD: z.string().min(10, 'NEXANEST_ADMIN_PASSWORD must be at least 10 characters').optional(),
    /** Failed sign-ins tolerated per email within the window before RATE_LIMITED. */
    AUTH_LOGIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(5),
    /** Failed sign-ins tolerated per client IP (as signed by the gateway) within the window. */
    AUTH_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
    /** Length of the sign-in failure window, in seconds. */
    AUTH_LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    /** How often the outbox relay publishes pending events to the Redis stream, in milliseconds. */
    AUTH_OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
    /** The portfolio subgraph's own endpoint, asked whether a user granted an advisor access (for the client's email). */
    PORTFOLIO_SUBGRAPH_URL: z.string().url().optional(),
    /** Key of the pseudonyms an erased user keeps in the audit trail; production refuses the development default. */
    AUDIT_PSEUDONYM_SECRET: auditPseudonymSecret(),
  })
  .superRefine(productionGuard(['AUTH_DATABASE_URL', 'PORTFOLIO_SUBGRAPH_URL']))
  .superRefine((env, ctx) => {
    if (isProduction(env) && env.NEXANEST_ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['NEXANEST_ADMIN_PASSWORD'],
        message: 'NEXANEST_ADMIN_PASSWORD is the development default; set a real password in production or leave it unset',
      });
    }
  })
  .transform((env) => ({
    ...env,
    NEXANEST_ADMIN_PASSWORD: env.NEXANEST_ADMIN_PASSWORD ?? (isProduction(env) ? undefined : DEV_ADMIN_PASSWORD),
    PORTFOLIO_SUBGRAPH_URL: env.PORTFOLIO_SUBGRAPH_URL ?? 'http://127.0.0.1:8002/graphql',
  }));

export type AuthEnv = z.infer<typeof authEnvSchema>;
