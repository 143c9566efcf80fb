// npm start: the whole supergraph in one process, on embedded PostgreSQL unless URLs are given.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger } from '@nexanest/graphql/logger';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';
import { databasesOn, externalDatabases, loadLauncherEnv } from './env.ts';
import { createGatewayClient } from './gateway-client.ts';
import { seedDemoUser } from './demo-seed.ts';
import { createStartupTimings } from './startup-timings.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

const timings = createStartupTimings();
// Node, tsx and the few modules above; the heavy ones (the services, Apollo) load below, while
// PostgreSQL starts: each takes seconds, and they run on different cores.
timings.record('boot', performance.now());
const loading = timings.time('modules', () => Promise.all([import('@nexanest/bus'), import('./stack.ts')]));
// A failed import surfaces where it is awaited below, once PostgreSQL can be stopped again.
loading.catch(() => {});

const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const env = loadLauncherEnv();
const logger = createLogger('nexanest', env.LOG_LEVEL);
const say = (line: string) => process.stdout.write(`${line}\n`);

let embedded: EmbeddedServer | null = null;
const external = externalDatabases(env);
if (!external) {
  say(`Starting embedded PostgreSQL (data in ${env.NEXANEST_DATA_DIR}/postgres, port ${env.EMBEDDED_PG_PORT})...`);
  embedded = await timings.time('postgres', () =>
    startEmbeddedPostgres({
      dataDir: resolve(env.NEXANEST_DATA_DIR, 'postgres'),
      port: env.EMBEDDED_PG_PORT,
      password: env.EMBEDDED_PG_PASSWORD,
      log: (line) => logger.warn(line),
    }),
  );
}
const [{ describeRedis, probeRedis, redisTarget }, { startStack }] = await loading.catch(async (error: unknown) => {
  await embedded?.stop();
  throw error;
});

const redisUrl = redisTarget(env) ?? ((await probeRedis(LOCAL_REDIS)) ? LOCAL_REDIS : null);
if (!redisUrl) say('warning: no Redis reachable; using the in-process bus (this single process only).');

say('Migrating, seeding and starting services...');
const stack = await startStack({
  databases: external ?? databasesOn(embedded!.url),
  redisUrl,
  env: process.env,
  ports: 'standard',
  demoHistoryDays: env.DEMO_HISTORY_DAYS,
  simulator: env.MARKET_SIMULATOR === 'on',
  logger,
  timings,
}).catch(async (error: unknown) => {
  await embedded?.stop();
  throw error;
});
// The demo user has a published password: development only.
if (env.NODE_ENV === 'development') await timings.time('demo user', () => seedDemoUser(createGatewayClient(stack.gatewayUrl), env.NEXANEST_DEMO_PASSWORD));

logger.info({ phasesMs: timings.phases }, 'started');
say('');
say(timings.summary());
say('NexaNest supergraph is running:');
say(`  gateway (HTTP + WebSocket)  ${stack.gatewayUrl}`);
// The gateway's rule (GATEWAY_PLAYGROUND, off in production unless turned on).
const playground = env.GATEWAY_PLAYGROUND ?? (env.NODE_ENV === 'production' ? 'off' : 'on');
if (playground === 'on') say(`  playground (GraphiQL)       ${stack.gatewayUrl.replace(/\/graphql$/, '/')}`);
for (const [name, url] of Object.entries(stack.services)) say(`  ${name.padEnd(27)} ${url}`);
say(`  redis                       ${redisUrl ? describeRedis(redisUrl) : 'in-process bus'}`);
say(`  postgres                    ${external ? 'external (from *_DATABASE_URL)' : `embedded on 127.0.0.1:${env.EMBEDDED_PG_PORT}`}`);
say(`  market simulator            ${env.MARKET_SIMULATOR}`);
say(`Demo sign-in: demo@nexanest.local / NEXANEST_DEMO_PASSWORD (default demo_dev_password). Ctrl-C stops everything.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say('\nStopping...');
    stack
      .stop()
      .then(() => embedded?.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
}
