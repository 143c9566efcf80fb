import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { loadPortfolioEnv } from './env.ts';
import { startPortfolioService } from './start.ts';

const env = loadPortfolioEnv();
const logger = createLogger('portfolio', env.LOG_LEVEL);

const service = await startPortfolioService({ env, logger });

stopOnSignals(() => service.close(), logger);
