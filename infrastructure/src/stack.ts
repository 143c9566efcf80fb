import { createPool, ensureDatabase } from '@nexanest/db';
import { clusterNodesSetting, createBus, createSessionRevocations, type Bus, type RedisTarget } from '@nexanest/bus';
import type { Logger, ServiceHandle } from '@nexanest/graphql';
import { loadEnv } from '@nexanest/config';
import { authEnvSchema, createAdvisorGrantCheck, startAuthService } from '@nexanest/auth';
import { createAuthClient, loadPortfolioEnv, startPortfolioService } from '@nexanest/portfolio';
import { loadMarketEnv, prepareMarketDatabase, seedDemoMarketData, startMarketService } from '@nexanest/market';
import { analyticsEnvSchema, startAnalyticsService } from '@nexanest/analytics';
import { notificationsEnvSchema, startNotificationsService } from '@nexanest/notifications';
import { loadGatewayEnv, startGateway } from '@nexanest/gateway';
import { createStartupTimings, type StartupTimings } from './startup-timings.ts';

/** Where each service's database lives. Market and analytics share the time-series database. */
export interface DatabaseUrls {
  auth: string;
  portfolio: string;
  analytics: string;
  notifications: string;
  timescale: string;
}

export interface StackOptions {
  databases: DatabaseUrls;
  /** A Redis URL or a cluster; null: the in-process bus (single-process mode only). */
  redisUrl: RedisTarget | null;
  /** Environment the services read their other settings from (secrets, NODE_ENV, ...). */
  env: NodeJS.ProcessEnv;
  /** 'standard' uses the configured ports (default 8000-8006); 'ephemeral' lets the OS pick (tests). */
  ports: 'standard' | 'ephemeral';
  /** Seed demo market history of this many days; 0 seeds nothing. */
  demoHistoryDays: number;
  /** Run market's development price simulator. */
  simulator: boolean;
  logger: Logger;
  /** Records how long each start-up phase took (the launcher logs them). */
  timings?: StartupTimings;
}

export interface Stack {
  gatewayUrl: string;
  services: Record<string, string>;
  bus: Bus;
  /** The market service's ingest path, as the simulator and feeds use it. */
  ingest: Awaited<ReturnType<typeof startMarketService>>['ingest'];
  stop(): Promise<void>;
}

/**
 * Starts the five subgraphs and the gateway in this process, in dependency order: market first
 * (portfolio validates symbols against it), then the other subgraphs, then the gateway.
 * Each service creates and migrates its own database; none opens another's.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { databases, logger } = options;
  const timings = options.timings ?? createStartupTimings();
  await timings.time('databases', () => Promise.all(Object.values(databases).map((url) => ensureDatabase(url))));
  const source: NodeJS.ProcessEnv = {
    ...options.env,
    AUTH_DATABASE_URL: databases.auth,
    PORTFOLIO_DATABASE_URL: databases.portfolio,
    ANALYTICS_DATABASE_URL: databases.analytics,
    NOTIFICATIONS_DATABASE_URL: databases.notifications,
    TIMESCALE_DATABASE_URL: databases.timescale,
    ...redisSettings(options.redisUrl),
    MARKET_SIMULATOR: options.simulator ? 'on' : 'off',
  };
  const port = (configured: number) => (options.ports === 'standard' ? configured : 0);
  const child = (name: string) => logger.child({ service: name });
  const namespace = source.NEXANEST_NAMESPACE ?? 'nexanest';
  const bus = createBus({ redisUrl: options.redisUrl, namespace });
  // One instance for auth (writes) and the gateway (reads): in-process without Redis.
  const sessionRevocations = createSessionRevocations({ redisUrl: options.redisUrl, namespace });
  const started: ServiceHandle[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.close().catch((err) => logger.error({ err, service: service.name }, 'stop failed'));
    await bus.close();
    await sessionRevocations.close();
  };
  try {
    const marketEnv = loadMarketEnv(source);
    if (options.demoHistoryDays > 0) await timings.time('demo prices', () => seedMarket(marketEnv, options.demoHistoryDays));
    const market = await timings.time('market', () => startMarketService({ env: marketEnv, logger: child('market'), bus, port: port(marketEnv.MARKET_PORT) }));
    started.push(market);
    source.MARKET_SUBGRAPH_URL = market.url;
    const authEnv = loadEnv(authEnvSchema, source);
    const portfolioEnv = loadPortfolioEnv(source);
    const analyticsEnv = loadEnv(analyticsEnvSchema, source);
    const notificationsEnv = loadEnv(notificationsEnvSchema, source);
    // auth and portfolio ask each other (advisor grants) and start together: each learns the
    // other's URL once both listen.
    const late = { auth: '', portfolio: '' };
    const secret = portfolioEnv.GATEWAY_IDENTITY_SECRET;
    const starting = await Promise.allSettled([
      timings.time('auth', () =>
        startAuthService({
          env: authEnv,
          logger: child('auth'),
          port: port(authEnv.AUTH_PORT),
          sessionRevocations,
          advisorGrants: createAdvisorGrantCheck({ portfolioGraphqlUrl: () => late.portfolio, secret }),
        }),
      ),
      timings.time('portfolio', () =>
        startPortfolioService({
          env: portfolioEnv,
          logger: child('portfolio'),
          port: port(portfolioEnv.PORTFOLIO_PORT),
          authClient: createAuthClient({ authGraphqlUrl: () => late.auth, secret }),
          bus,
        }),
      ),
      timings.time('analytics', () =>
        startAnalyticsService({ env: analyticsEnv, logger: child('analytics'), port: port(analyticsEnv.ANALYTICS_PORT), portfolioUrl: () => late.portfolio }),
      ),
      timings.time('notifications', () =>
        startNotificationsService({ env: notificationsEnv, logger: child('notifications'), port: port(notificationsEnv.NOTIFICATIONS_PORT), bus }),
      ),
    ]);
    // Whatever did start is stopped again if another one failed.
    for (const outcome of starting) if (outcome.status === 'fulfilled') started.push(outcome.value);
    const failed = starting.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const [auth, portfolio, analytics, notifications] = starting.map((outcome) => (outcome as PromiseFulfilledResult<ServiceHandle>).value) as [
      ServiceHandle,
      ServiceHandle,
      ServiceHandle,
      ServiceHandle,
    ];
    late.auth = auth.url;
    late.portfolio = portfolio.url;
    const services = { auth: auth.url, portfolio: portfolio.url, market: market.url, analytics: analytics.url, notifications: notifications.url };
    const gatewayEnv = loadGatewayEnv(source);
    const gateway = await timings.time('gateway', () =>
      startGateway({ env: gatewayEnv, logger: child('gateway'), subgraphUrls: services, port: port(gatewayEnv.GATEWAY_PORT), sessionRevocations }),
    );
    started.push(gateway);
    return { gatewayUrl: gateway.url, services, bus, ingest: market.ingest, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Demo history goes in before the market service (and its simulator) starts. */
async function seedMarket(env: ReturnType<typeof loadMarketEnv>, days: number): Promise<void> {
  const pool = createPool<Record<string, never>>({ url: env.TIMESCALE_DATABASE_URL, max: 4, applicationName: 'market-seed' });
  try {
    await prepareMarketDatabase(pool);
    await seedDemoMarketData(pool.sql, { days, endDate: new Date() });
  } finally {
    await pool.close();
  }
}

/** The environment that makes each service use `target`. */
function redisSettings(target: RedisTarget | null): NodeJS.ProcessEnv {
  if (!target) return {};
  if (typeof target === 'string') return { REDIS_URL: target };
  return { REDIS_CLUSTER_NODES: clusterNodesSetting(target), ...(target.url ? { REDIS_URL: target.url } : {}) };
}
