import { loadEnv } from '@nexanest/config';
import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { analyticsEnvSchema } from './env.ts';
import { startAnalyticsService } from './start.ts';

const env = loadEnv(analyticsEnvSchema);
const logger = createLogger('analytics', env.LOG_LEVEL);
const service = await startAnalyticsService({ env, logger });

stopOnSignals(() => service.close(), logger);
