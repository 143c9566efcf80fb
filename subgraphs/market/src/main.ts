import { createBus } from '@nexanest/bus';
import { createLogger } from '@nexanest/graphql';
import { loadMarketEnv } from './env.ts';
import { startMarketService } from './start.ts';

// Standalone process: env -> logger -> bus -> service -> graceful shutdown.
const env = loadMarketEnv();
const logger = createLogger('market', env.LOG_LEVEL);
const bus = createBus({ redisUrl: env.REDIS_URL ?? null, namespace: env.NEXANEST_NAMESPACE });
const service = await startMarketService({ env, logger, bus });

let closing = false;
const shutdown = async (signal: string) => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'market shutting down');
  try {
    await service.close();
    await bus.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'market shutdown failed');
    process.exit(1);
  }
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
