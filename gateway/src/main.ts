// The gateway as its own process: env -> start -> graceful shutdown.
import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { loadGatewayEnv } from './env.ts';
import { startGateway } from './start.ts';

const env = loadGatewayEnv();
const logger = createLogger('gateway', env.LOG_LEVEL);
const gateway = await startGateway({ env, logger });
logger.info({ url: gateway.url }, 'gateway listening');
stopOnSignals(() => gateway.close(), logger);
