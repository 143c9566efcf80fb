import { z } from 'zod';
import { loadEnv, redisClusterNodes } from '@nexanest/config';

const DATABASE_VARS = {
  auth: 'AUTH_DATABASE_URL',
  portfolio: 'PORTFOLIO_DATABASE_URL',
  analytics: 'ANALYTICS_DATABASE_URL',
  notifications: 'NOTIFICATIONS_DATABASE_URL',
  timescale: 'TIMESCALE_DATABASE_URL',
} as const;

/** Settings of the one-command launcher (`npm start`); each service validates its own too. */
export const launcherEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  REDIS_URL: z.string().url().optional(),
  /** A Redis Cluster instead of one Redis (see packages/config). */
  REDIS_CLUSTER_NODES: redisClusterNodes(),
  /** Where the embedded PostgreSQL keeps its data. */
  NEXANEST_DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  EMBEDDED_PG_PASSWORD: z.string().min(1).default('nexanest-embedded-dev'),
  MARKET_SIMULATOR: z.enum(['on', 'off']).default('on'),
  /** Only to print the playground's URL; the gateway reads it too (off in production unless on). */
  GATEWAY_PLAYGROUND: z.enum(['on', 'off']).optional(),
  /** Days of made-up daily prices to seed; development only (default 730 there, 0 elsewhere). */
  DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(3650).optional(),
  NEXANEST_DEMO_PASSWORD: z.string().min(10).default('demo_dev_password'),
  /** Read by infrastructure/launcher/start.js, before this runs: off runs the sources through tsx. */
  NEXANEST_LAUNCHER_BUNDLE: z.enum(['on', 'off']).default('on'),
  AUTH_DATABASE_URL: z.string().url().optional(),
  PORTFOLIO_DATABASE_URL: z.string().url().optional(),
  ANALYTICS_DATABASE_URL: z.string().url().optional(),
  NOTIFICATIONS_DATABASE_URL: z.string().url().optional(),
  TIMESCALE_DATABASE_URL: z.string().url().optional(),
});

export type LauncherEnv = z.infer<typeof launcherEnvSchema> & { DEMO_HISTORY_DAYS: number };

/** Production runs on named servers with no demo data: the launcher's conveniences are refused. */
const launcherEnv = launcherEnvSchema
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.DEMO_HISTORY_DAYS) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['DEMO_HISTORY_DAYS'], message: 'demo prices are refused in production' });
    for (const name of Object.values(DATABASE_VARS)) {
      if (!env[name])
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: 'required in production (the embedded PostgreSQL is for development)' });
    }
  })
  .transform((env) => ({ ...env, DEMO_HISTORY_DAYS: env.DEMO_HISTORY_DAYS ?? (env.NODE_ENV === 'development' ? 730 : 0) }));

export const loadLauncherEnv = (source: NodeJS.ProcessEnv = process.env): LauncherEnv => loadEnv(launcherEnv, source);

/**
 * External databases when every URL is given, the embedded server when none is; a partial set
 * is a mistake worth stopping for.
 */
export function externalDatabases(env: LauncherEnv): Record<keyof typeof DATABASE_VARS, string> | null {
  const given = Object.entries(DATABASE_VARS).filter(([, name]) => env[name]);
  if (given.length === 0) return null;
  const missing = Object.values(DATABASE_VARS).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Set all database URLs or none; missing: ${missing.join(', ')}`);
  return Object.fromEntries(Object.entries(DATABASE_VARS).map(([key, name]) => [key, env[name] as string])) as Record<keyof typeof DATABASE_VARS, string>;
}

/** The five databases on one server, as the embedded default lays them out. */
export function databasesOn(serverUrl: string): Record<keyof typeof DATABASE_VARS, string> {
  const on = (name: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return { auth: on('auth'), portfolio: on('portfolio'), analytics: on('analytics'), notifications: on('notifications'), timescale: on('timescale') };
}
