import { createBus, redisTarget } from '@nexanest/bus';
import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { loadMarketEnv } from './env.ts';
import { startMarketService } from './start.ts';

// Standalone process: env -> logger -> bus -> service -> graceful shutdown.
const env = loadMarketEnv();
const logger = createLogger('market', env.LOG_LEVEL);
const bus = createBus({ redisUrl: redisTarget(env), namespace: env.NEXANEST_NAMESPACE });
const service = await startMarketService({ env, logger, bus });

stopOnSignals(async () => {
  await service.close();
  await bus.close();
}, logger);
