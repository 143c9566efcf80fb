import { loadEnv } from '@nexanest/config';
import { createLogger } from '@nexanest/graphql';
import { authEnvSchema } from './env.ts';
import { startAuthService } from './start.ts';

const env = loadEnv(authEnvSchema);
const logger = createLogger('auth', env.LOG_LEVEL);
const service = await startAuthService({ env, logger });

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
