import { fileURLToPath } from 'node:url';
import { createPool, ensureDatabase, migrateDatabase } from '@nexanest/db';
import { isProduction } from '@nexanest/config';
import { listen, singleKey, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { BOOTSTRAP_ADMIN_EMAIL, ensureBootstrapAdmin } from './bootstrap-admin.ts';
import { createAuthContext } from './context.ts';
import { schema } from './db/index.ts';
import type { AuthEnv } from './env.ts';
import { createAuthServer } from './server.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Starts the auth subgraph: pool, migrations, bootstrap admin, HTTP. `close` undoes all of it. */
export async function startAuthService(options: { env: AuthEnv; logger: Logger; port?: number }): Promise<ServiceHandle> {
  const { env, logger } = options;
  const production = isProduction(env);
  // Development creates its database on first start; production's is provisioned.
  if (!production) await ensureDatabase(env.AUTH_DATABASE_URL);
  const pool = createPool({ url: env.AUTH_DATABASE_URL, max: env.AUTH_DB_POOL_SIZE, schema, applicationName: 'nexanest-auth' });
  try {
    await migrateDatabase(pool.sql, { folder: MIGRATIONS, journalTable: '__auth_migrations' });
    // env.ts leaves the password unset in production unless a real one was given.
    if (env.NEXANEST_ADMIN_PASSWORD) {
      const { created } = await ensureBootstrapAdmin(pool.sql, { email: BOOTSTRAP_ADMIN_EMAIL, password: env.NEXANEST_ADMIN_PASSWORD });
      if (created) logger.info({ email: BOOTSTRAP_ADMIN_EMAIL }, 'created bootstrap admin');
    }
    const server = createAuthServer({ logger, production });
    const running = await listen({
      apollo: server.apollo,
      port: options.port ?? env.AUTH_PORT,
      identitySecret: env.GATEWAY_IDENTITY_SECRET,
      createContext: createAuthContext({ db: pool.db, accessTokenKeys: singleKey(env.JWT_SECRET) }),
    });
    logger.info({ url: running.url }, 'auth subgraph listening');
    return {
      name: 'auth',
      url: running.url,
      async close() {
        await running.close();
        await pool.close();
      },
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}
