import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';
import type { RedisClusterTarget } from '@nexanest/bus';
import { createLogger } from '@nexanest/graphql';
import { createGatewayClient, startStack, type GatewayClient, type Stack } from '@nexanest/infrastructure';

export const ADMIN_EMAIL = 'admin@nexanest.local';
export const ADMIN_PASSWORD = 'admin_test_password';

export interface TestStack extends Stack {
  client: ReturnType<typeof createGatewayClient>;
  wsUrl: string;
  namespace: string;
  /** The run's database URLs, for tests that start more replicas of a service. */
  databases: { auth: string; portfolio: string; analytics: string; notifications: string; timescale: string };
  teardown(): Promise<void>;
}

export interface StartTestStackOptions {
  demoHistoryDays?: number;
  /** false: the in-process bus; a cluster target: a private Redis cluster of the test's own. */
  redis?: boolean | RedisClusterTarget;
  /** A Redis of the test's own (fault tests); default TEST_REDIS_URL. */
  redisUrl?: string;
  /** A PostgreSQL server of the test's own (fault tests), as a URL of its admin database; default TEST_DATABASE_URL. */
  databaseServerUrl?: string;
  /** Extra settings for every service. */
  env?: Record<string, string>;
}

/**
 * The whole supergraph on fresh, uniquely named databases and a unique Redis namespace, on
 * ephemeral ports (on the shared Redis, or on a private cluster when one is given); teardown
 * stops it and drops the databases.
 */
export async function startTestStack(options: StartTestStackOptions = {}): Promise<TestStack> {
  const names = ['auth', 'portfolio', 'analytics', 'notifications', 'timescale'] as const;
  const databases: TestDatabase[] = await Promise.all(names.map((name) => createTestDatabase(name, options.databaseServerUrl)));
  const redisUrl = options.redis === false ? null : typeof options.redis === 'object' ? options.redis : (options.redisUrl ?? testRedisUrl());
  const [auth, portfolio, analytics, notifications, timescale] = databases.map((db) => db.url) as [string, string, string, string, string];
  const namespace = uniqueName('nn_test');
  const stack = await startStack({
    databases: { auth, portfolio, analytics, notifications, timescale },
    redisUrl,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NEXANEST_NAMESPACE: namespace,
      NEXANEST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      MARKET_SIMULATOR: 'off',
      ...options.env,
    },
    ports: 'ephemeral',
    demoHistoryDays: options.demoHistoryDays ?? 5,
    simulator: false,
    logger: createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
  return {
    ...stack,
    namespace,
    databases: { auth, portfolio, analytics, notifications, timescale },
    client: createGatewayClient(stack.gatewayUrl),
    wsUrl: stack.gatewayUrl.replace(/^http/, 'ws'),
    async teardown() {
      await stack.stop();
      await Promise.all(databases.map((db) => db.drop()));
      // A cluster is the test's own, and goes with it.
      if (typeof redisUrl === 'string') await dropRedisNamespace(namespace, redisUrl);
    },
  };
}

/** Registers a fresh user through the gateway and returns a client signed in as them. */
export async function registerUser(stack: TestStack, prefix = 'user') {
  const email = `${uniqueName(prefix)}@example.com`;
  const password = 'correct horse battery staple';
  const response = await stack.client.request<{ register: { accessToken: string; user: { id: string } } }>(
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
    { input: { email, password } },
  );
  if (!response.data) throw new Error(`register failed: ${JSON.stringify(response.errors)}`);
  return {
    email,
    password,
    userId: response.data.register.user.id,
    token: response.data.register.accessToken,
    client: stack.client.withToken(response.data.register.accessToken),
  };
}

export async function adminClient(stack: TestStack) {
  const response = await stack.client.request<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: ADMIN_EMAIL, p: ADMIN_PASSWORD },
  );
  if (!response.data) throw new Error(`admin login failed: ${JSON.stringify(response.errors)}`);
  return stack.client.withToken(response.data.login.accessToken);
}

/**
 * Registers a user, has the admin make them an ADVISOR, and signs them in again: the role change
 * ended their first session, and the new token carries the new role.
 */
export async function registerAdvisor(stack: TestStack, admin: GatewayClient, prefix = 'advisor') {
  const user = await registerUser(stack, prefix);
  const promoted = await admin.request('mutation($id: ID!) { setUserRole(userId: $id, role: ADVISOR) { role } }', { id: user.userId });
  if (promoted.data?.setUserRole.role !== 'ADVISOR') throw new Error(`setUserRole failed: ${JSON.stringify(promoted.errors)}`);
  const login = await stack.client.request<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: user.email, p: user.password },
  );
  if (!login.data) throw new Error(`advisor login failed: ${JSON.stringify(login.errors)}`);
  return { ...user, token: login.data.login.accessToken, client: stack.client.withToken(login.data.login.accessToken) };
}
