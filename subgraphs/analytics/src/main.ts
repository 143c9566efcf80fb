import { loadEnv } from '@nexanest/config';
import { createLogger } from '@nexanest/graphql';
import { analyticsEnvSchema } from './env.ts';
import { startAnalyticsService } from './start.ts';

const env = loadEnv(analyticsEnvSchema);
const logger = createLogger('analytics', env.LOG_LEVEL);
const service = await startAnalyticsService({ env, logger });

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await service.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
