import { loadEnv } from '@nexanest/config';
import { createLogger, stopOnSignals } from '@nexanest/graphql';
import { notificationsEnvSchema } from './env.ts';
import { startNotificationsService } from './start.ts';

const env = loadEnv(notificationsEnvSchema);
const logger = createLogger('notifications', env.LOG_LEVEL);
const service = await startNotificationsService({ env, logger });

stopOnSignals(() => service.close(), logger);
