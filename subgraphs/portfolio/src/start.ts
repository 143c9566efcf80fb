import { fileURLToPath } from 'node:url';
import { createPool, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { listen, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { schema } from './db/index.ts';
import type { PortfolioEnv } from './env.ts';
import { createMarketClient, type MarketClient } from './market-client.ts';
import { createPortfolioServer } from './server.ts';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface StartPortfolioOptions {
  env: PortfolioEnv;
  logger: Logger;
  /** Overrides PORTFOLIO_PORT; 0 picks a free port. */
  port?: number;
  /** Overrides the HTTP client of MARKET_SUBGRAPH_URL (tests, single-process stacks). */
  marketClient?: MarketClient;
}

/** Pool, migrations, server, listen. `close` stops the server first, then the pool. */
export async function startPortfolioService(options: StartPortfolioOptions): Promise<ServiceHandle> {
  const { env, logger } = options;
  const production = isProduction(env);
  // Development creates its database on first start; production's is provisioned.
  if (!production) await ensureDatabase(env.PORTFOLIO_DATABASE_URL);
  const pool = createPool({ url: env.PORTFOLIO_DATABASE_URL, max: env.PORTFOLIO_DB_POOL_SIZE, schema, applicationName: 'portfolio' });
  try {
    await migrateDatabase(pool.sql, { folder: migrationsFolder, journalTable: '__portfolio_migrations' });
    const server = createPortfolioServer({
      db: pool.db,
      market: options.marketClient ?? createMarketClient({ url: env.MARKET_SUBGRAPH_URL }),
      logger,
      production,
    });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.PORTFOLIO_PORT,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: server.createContext,
    });
    logger.info({ url: running.url }, 'portfolio subgraph listening');
    return {
      name: 'portfolio',
      url: running.url,
      async close() {
        await running.close();
        await pool.close();
      },
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}
