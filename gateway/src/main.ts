// The gateway as its own process: env -> start -> graceful shutdown. With GATEWAY_WORKERS > 1 this
// process is the primary of a node:cluster and each worker runs the same file (see cluster.ts).
import cluster from 'node:cluster';
import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { runGatewayCluster } from './cluster.ts';
import { loadGatewayEnv } from './env.ts';
import { startGateway } from './start.ts';

const env = loadGatewayEnv();
const logger = createLogger('gateway', env.LOG_LEVEL);
if (env.GATEWAY_WORKERS > 1 && cluster.isPrimary) {
  runGatewayCluster({ workers: env.GATEWAY_WORKERS, logger });
} else {
  const gateway = await startGateway({ env, logger });
  logger.info({ url: gateway.url }, 'gateway listening');
  stopOnSignals(() => gateway.close(), logger);
}
