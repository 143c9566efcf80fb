import { z } from 'zod';
import { appDbPassword, baseEnvSchema, databaseUrl, loadEnv, poolSize, port, productionGuard } from '@nexanest/config';

const DEV_MARKET_SUBGRAPH_URL = 'http://127.0.0.1:8003/graphql';
const DEV_AUTH_SUBGRAPH_URL = 'http://127.0.0.1:8001/graphql';

/**
 * The portfolio service's settings. PORTFOLIO_DATABASE_URL is required in production by
 * `loadEnv` on the raw environment (databaseUrl fills in the local default before a refinement
 * could see it missing). MARKET_SUBGRAPH_URL gets its default only after the guard has run, so
 * production must name market's endpoint too.
 */
export const portfolioEnvSchema = baseEnvSchema
  .extend({
    /** The owner's URL: migrations run with it. Requests run as nexanest_app on the same server. */
    PORTFOLIO_DATABASE_URL: databaseUrl('portfolio'),
    APP_DB_PASSWORD: appDbPassword(),
    PORTFOLIO_DB_POOL_SIZE: poolSize(10),
    PORTFOLIO_PORT: port(8002),
    /** The market subgraph's own endpoint, asked to validate symbols and trading currencies. */
    MARKET_SUBGRAPH_URL: z.string().url().optional(),
    /** The auth subgraph's own endpoint, asked to find an advisor by email when an owner grants access. */
    AUTH_SUBGRAPH_URL: z.string().url().optional(),
    /** Cache-aside reads in Redis DB 0 (needs REDIS_URL): portfolio rows, holdings, cash, first ledger page, goals, allocation rules, owner lists. */
    PORTFOLIO_CACHE: z.enum(['on', 'off']).default('on'),
    /** How long a cached entry lives at most; writes make entries unreachable at once anyway. */
    PORTFOLIO_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** How often the outbox relay publishes pending domain events to the Redis stream, in milliseconds. */
    PORTFOLIO_OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
    /** How often every unreached goal is valued again at the latest prices and FX rates, in milliseconds (ledger changes and ticks re-value their portfolios' goals sooner). */
    PORTFOLIO_GOALS_INTERVAL_MS: z.coerce.number().int().min(100).default(300_000),
    /** How long ticks are gathered before the goals of the portfolios holding the ticked symbols are valued, in milliseconds. */
    PORTFOLIO_GOALS_TICK_BATCH_MS: z.coerce.number().int().min(10).default(1000),
  })
  .superRefine(productionGuard(['MARKET_SUBGRAPH_URL', 'AUTH_SUBGRAPH_URL']))
  .transform((env) => ({
    ...env,
    MARKET_SUBGRAPH_URL: env.MARKET_SUBGRAPH_URL ?? DEV_MARKET_SUBGRAPH_URL,
    AUTH_SUBGRAPH_URL: env.AUTH_SUBGRAPH_URL ?? DEV_AUTH_SUBGRAPH_URL,
  }));

export type PortfolioEnv = z.infer<typeof portfolioEnvSchema>;

/** Validates the environment once, at boot; throws ConfigError naming what to fix. */
export const loadPortfolioEnv = (source: NodeJS.ProcessEnv = process.env): PortfolioEnv => loadEnv(portfolioEnvSchema, source);
