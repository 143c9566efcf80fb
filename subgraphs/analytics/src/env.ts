import { z } from 'zod';
import { baseEnvSchema, databaseUrl, loadEnv, poolSize, port, productionGuard } from '@nexanest/config';

const DEV_MARKET_SUBGRAPH_URL = 'http://127.0.0.1:8003/graphql';
const DEV_PORTFOLIO_SUBGRAPH_URL = 'http://127.0.0.1:8002/graphql';

/**
 * The analytics service's settings. MARKET_SUBGRAPH_URL gets its development default only after
 * the production guard has run, so production must name market's endpoint.
 */
export const analyticsEnvSchema = baseEnvSchema
  .extend({
    ANALYTICS_DATABASE_URL: databaseUrl('analytics'),
    ANALYTICS_DB_POOL_SIZE: poolSize(10),
    /** The shared time-series database; analytics owns the analytics_ts schema in it. */
    TIMESCALE_DATABASE_URL: databaseUrl('timescale'),
    TIMESCALE_DB_POOL_SIZE: poolSize(10),
    /**
     * Optional read replica of the time-series database: analytics' GraphQL reads (snapshots,
     * performance, risk) go there; migrations and writes stay on TIMESCALE_DATABASE_URL.
     */
    ANALYTICS_READ_DATABASE_URL: z.string().url().optional(),
    ANALYTICS_PORT: port(8005),
    /** The market subgraph's own endpoint: benchmark closes (daily candles) and FX rates. */
    MARKET_SUBGRAPH_URL: z.string().url().optional(),
    /** Annual risk-free rate for the Sharpe ratio, as a fraction (0.02 is 2% a year). */
    ANALYTICS_RISK_FREE_RATE: z.coerce.number().min(-1).max(1).default(0.02),
    /** How long benchmark closes and FX rates from market are reused across requests. */
    ANALYTICS_MARKET_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    /** The portfolio subgraph's own endpoint: its signed ledger routes feed the snapshot builder. */
    PORTFOLIO_SUBGRAPH_URL: z.string().url().optional(),
    /** How often the snapshot builder looks for changed ledgers and new days; 0 = only the CLI builds. */
    ANALYTICS_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
    /** Rebuild a portfolio's stale snapshots when its transaction.recorded/deleted events arrive (needs Redis). */
    ANALYTICS_SNAPSHOT_EVENTS: z.enum(['on', 'off']).default('on'),
  })
  .superRefine(productionGuard(['ANALYTICS_DATABASE_URL', 'TIMESCALE_DATABASE_URL', 'MARKET_SUBGRAPH_URL', 'PORTFOLIO_SUBGRAPH_URL']))
  .transform((env) => ({
    ...env,
    MARKET_SUBGRAPH_URL: env.MARKET_SUBGRAPH_URL ?? DEV_MARKET_SUBGRAPH_URL,
    PORTFOLIO_SUBGRAPH_URL: env.PORTFOLIO_SUBGRAPH_URL ?? DEV_PORTFOLIO_SUBGRAPH_URL,
  }));

export type AnalyticsEnv = z.infer<typeof analyticsEnvSchema>;

/** Validates the environment once, at boot (or when a CLI starts); throws ConfigError naming what to fix. */
export const loadAnalyticsEnv = (source: NodeJS.ProcessEnv = process.env): AnalyticsEnv => loadEnv(analyticsEnvSchema, source);
