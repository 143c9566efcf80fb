import { z } from 'zod';
import { redisClusterNodes } from './redis-cluster-nodes.ts';

/**
 * Development-only secrets. They let `npm start` work with no setup, and production refuses
 * to start while any of them is in use.
 */
export const DEV_SECRETS = {
  JWT_SECRET: 'dev-only-jwt-secret-do-not-use-in-production',
  GATEWAY_IDENTITY_SECRET: 'dev-only-gateway-identity-secret-do-not-use',
  APP_DB_PASSWORD: 'dev-only-app-database-password-do-not-use',
  AUDIT_PSEUDONYM_SECRET: 'dev-only-audit-pseudonym-secret-do-not-use',
} as const;

const secret = (name: keyof typeof DEV_SECRETS) => z.string().min(32, `${name} must be at least 32 characters`).default(DEV_SECRETS[name]);

/**
 * Password of the `nexanest_app` database role that services with row-level security connect as.
 * Development creates the role with it; production provisions the role and sets a real one.
 */
export const appDbPassword = () => secret('APP_DB_PASSWORD');

/** Key of the pseudonyms erased users keep in the audit trail (auth computes them). */
export const auditPseudonymSecret = () => secret('AUDIT_PSEUDONYM_SECRET');

const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

/** Settings every service shares. Services extend it with their own database and port. */
export const baseEnvSchema = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset means: try redis://127.0.0.1:6379, else fall back to the in-process bus. */
  REDIS_URL: z.string().url().optional(),
  /**
   * Seed nodes of a Redis Cluster (`host:port,...`). Set, it replaces the single Redis: REDIS_URL
   * then only lends its user, password and scheme (rediss: TLS) to every node.
   */
  REDIS_CLUSTER_NODES: redisClusterNodes(),
  /** Prefix of every Redis key and channel, so several stacks can share one Redis. */
  NEXANEST_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_-]+$/i)
    .default('nexanest'),
  /** Address every service listens on: loopback by default, 0.0.0.0 in containers. */
  LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  JWT_SECRET: secret('JWT_SECRET'),
  GATEWAY_IDENTITY_SECRET: secret('GATEWAY_IDENTITY_SECRET'),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

export const isProduction = (env: { NODE_ENV: string }) => env.NODE_ENV === 'production';

/**
 * Production refuses development defaults: every dev secret must be replaced, and each listed
 * setting must have a value. (Database URLs and REDIS_URL, or REDIS_CLUSTER_NODES, are required in production by
 * `loadEnv` itself, on the raw environment.) Apply with `.superRefine(productionGuard([...]))`.
 */
export function productionGuard(requiredUrls: readonly string[] = []) {
  return (env: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const [name, value] of Object.entries(DEV_SECRETS)) {
      if (env[name] === value) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `${name} is the development default; set a real secret in production` });
      }
    }
    for (const name of requiredUrls) {
      if (!env[name]) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `${name} is required in production` });
      }
    }
  };
}
