import { loadEnv } from '@nexanest/config';
import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { authEnvSchema } from './env.ts';
import { startAuthService } from './start.ts';

const env = loadEnv(authEnvSchema);
const logger = createLogger('auth', env.LOG_LEVEL);
const service = await startAuthService({ env, logger });

stopOnSignals(() => service.close(), logger);
