import { fileURLToPath } from 'node:url';
import { createPool, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { listen, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { createNotificationsContext } from './context.ts';
import { createEmailEventsConsumer, type EmailEventsConsumer } from './email-events-consumer.ts';
import { schema } from './db/index.ts';
import type { NotificationsEnv } from './env.ts';
import { createNotificationsServer } from './server.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Starts the notifications subgraph: pool, migrations, email events consumer (with Redis), HTTP. `close` undoes all of it. */
export async function startNotificationsService(options: { env: NotificationsEnv; logger: Logger; port?: number }): Promise<ServiceHandle> {
  const { env, logger } = options;
  const production = isProduction(env);
  if (!production) await ensureDatabase(env.NOTIFICATIONS_DATABASE_URL);
  const pool = createPool({ url: env.NOTIFICATIONS_DATABASE_URL, max: env.NOTIFICATIONS_DB_POOL_SIZE, schema, applicationName: 'nexanest-notifications' });
  let consumer: EmailEventsConsumer | undefined;
  try {
    await migrateDatabase(pool.sql, { folder: MIGRATIONS, journalTable: '__notifications_migrations' });
    if (env.REDIS_URL) {
      consumer = createEmailEventsConsumer({
        db: pool.db,
        redisUrl: env.REDIS_URL,
        namespace: env.NEXANEST_NAMESPACE,
        appUrl: env.NOTIFICATIONS_APP_URL,
        logger,
      });
      await consumer.start();
    } else {
      logger.warn('REDIS_URL is not set: verification and password reset emails are not consumed');
    }
    const server = createNotificationsServer({ logger, production });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.NOTIFICATIONS_PORT,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: createNotificationsContext({ db: pool.db }),
    });
    logger.info({ url: running.url }, 'notifications subgraph listening');
    return {
      name: 'notifications',
      url: running.url,
      async close() {
        await running.close();
        await consumer?.stop();
        await pool.close();
      },
    };
  } catch (error) {
    await consumer?.stop();
    await pool.close();
    throw error;
  }
}
