import { z } from 'zod';
import { baseEnvSchema, databaseUrl, loadEnv, poolSize, port, productionGuard } from '@nexanest/config';

/** The market service's settings, validated once at boot. */
export const marketEnvSchema = baseEnvSchema
  .extend({
    /** The time-series database (TimescaleDB in production; plain PostgreSQL works too). */
    TIMESCALE_DATABASE_URL: databaseUrl('timescale'),
    TIMESCALE_DB_POOL_SIZE: poolSize(10),
    MARKET_PORT: port(8003),
    /**
     * The development price simulator: a deterministic random walk ingested like a real feed.
     * On by default in development only; production refuses it (it would write made-up prices).
     */
    MARKET_SIMULATOR: z.enum(['on', 'off']).optional(),
    MARKET_SIMULATOR_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
    /**
     * Raw ticks (stock_prices, market_indices) are kept this many days, then dropped a whole
     * partition (or TimescaleDB chunk) at a time; candles survive. 0 keeps them forever. At
     * least 8, so TimescaleDB's continuous-aggregate refresh windows (up to 7 days) never reach
     * dropped data.
     */
    MARKET_TICK_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .refine((days) => days === 0 || days >= 8, 'must be 0 (keep forever) or at least 8')
      .default(0),
    /** How often the retention job looks for expired partitions (it also runs at start). */
    MARKET_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
    /** How far in the future a tick's time may be (clock skew between a feed and us), in ms. */
    MARKET_TICK_FUTURE_SKEW_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  })
  // databaseUrl fills in the local default, so this guard only catches dev secrets here;
  // loadEnv checks the raw *_DATABASE_URL values for production before defaults apply.
  .superRefine(productionGuard(['TIMESCALE_DATABASE_URL']))
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.MARKET_SIMULATOR === 'on') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MARKET_SIMULATOR'],
        message: 'the price simulator writes made-up prices; it is refused in production',
      });
    }
  })
  .transform((env) => ({ ...env, MARKET_SIMULATOR: env.MARKET_SIMULATOR ?? (env.NODE_ENV === 'development' ? 'on' : 'off') }));

export type MarketEnv = z.infer<typeof marketEnvSchema>;

export const loadMarketEnv = (source: NodeJS.ProcessEnv = process.env): MarketEnv => loadEnv(marketEnvSchema, source);
