import { createLogger } from '@nexanest/graphql';
import { loadPortfolioEnv } from './env.ts';
import { startPortfolioService } from './start.ts';

const env = loadPortfolioEnv();
const logger = createLogger('portfolio', env.LOG_LEVEL);

const service = await startPortfolioService({ env, logger });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'portfolio subgraph stopping');
  try {
    await service.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'portfolio subgraph did not stop cleanly');
    process.exit(1);
  }
}

process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
