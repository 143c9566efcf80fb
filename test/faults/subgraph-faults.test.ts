import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdvisorGrantCheck, authEnvSchema, startAuthService } from '@nexanest/auth';
import { createBus, createSessionRevocations, type Bus, type SessionRevocations } from '@nexanest/bus';
import { loadEnv } from '@nexanest/config';
import { loadGatewayEnv, startGateway } from '@nexanest/gateway';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { loadMarketEnv, startMarketService } from '@nexanest/market';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';

/**
 * A gateway over real auth and market services started here, so market can be stopped, slowed
 * and restarted while auth keeps answering. The other subgraphs are unreachable: these queries
 * never need them. gateway/test/subgraph-down.test.ts covers subgraphs down from the start.
 */
const logger = createLogger('faults', process.env.TEST_LOG_LEVEL ?? 'silent');
const QUERY = '{ me { id } instrument(symbol: "AAPL") { symbol } }';
const DEAD = 'http://127.0.0.1:9/graphql';

let databases: TestDatabase[];
let source: NodeJS.ProcessEnv;
let bus: Bus;
let sessions: SessionRevocations;
let auth: ServiceHandle;
let market: ServiceHandle | null;
let marketPort: number;
let token: string;
const gateways: Array<{ url: string; close(): Promise<void> }> = [];

const startMarket = (port: number) => startMarketService({ env: loadMarketEnv(source), logger, bus, port });

async function gatewayOver(marketUrl: string, env: Record<string, string> = {}) {
  const gateway = await startGateway({
    env: loadGatewayEnv({ ...source, ...env }),
    logger,
    subgraphUrls: { auth: auth.url, market: marketUrl, notifications: DEAD, portfolio: DEAD, analytics: DEAD },
    port: 0,
    sessionRevocations: sessions,
  });
  gateways.push(gateway);
  return gateway;
}

beforeAll(async () => {
  databases = await Promise.all([createTestDatabase('timescale'), createTestDatabase('auth')]);
  source = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    NEXANEST_NAMESPACE: uniqueName('nn_faults'),
    MARKET_SIMULATOR: 'off',
    REDIS_URL: testRedisUrl(),
    TIMESCALE_DATABASE_URL: databases[0]!.url,
    AUTH_DATABASE_URL: databases[1]!.url,
  };
  bus = createBus({ redisUrl: null, namespace: source.NEXANEST_NAMESPACE! });
  sessions = createSessionRevocations({ redisUrl: testRedisUrl(), namespace: source.NEXANEST_NAMESPACE! });
  const authEnv = loadEnv(authEnvSchema, source);
  auth = await startAuthService({
    env: authEnv,
    logger,
    port: 0,
    sessionRevocations: sessions,
    advisorGrants: createAdvisorGrantCheck({ portfolioGraphqlUrl: () => DEAD, secret: authEnv.GATEWAY_IDENTITY_SECRET }),
  });
  market = await startMarket(0);
  marketPort = Number(new URL(market.url).port);
  const gateway = await gatewayOver(market.url);
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: RegisterInput!) { register(input: $input) { accessToken } }',
      variables: { input: { email: `${uniqueName('faults')}@example.com`, password: 'correct horse battery staple' } },
    }),
  });
  token = ((await response.json()) as { data: { register: { accessToken: string } } }).data.register.accessToken;
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await market?.close();
  await auth?.close();
  await bus?.close();
  await sessions?.close();
  await Promise.all((databases ?? []).map((db) => db.drop()));
  if (source?.NEXANEST_NAMESPACE) await dropRedisNamespace(source.NEXANEST_NAMESPACE);
});

interface Answer {
  status: number;
  body: { data?: { me?: { id: string } | null; instrument?: unknown } | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function ask(url: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** What the market part of an answer says: served, missing or timed out. */
function marketOutcome(answer: Answer): string {
  const errors = answer.body.errors ?? [];
  if (errors.length === 0) return 'served';
  const [error] = errors;
  if (errors.length > 1 || error?.extensions?.serviceName !== 'market') return `unexpected errors ${JSON.stringify(errors)}`;
  if (error.extensions.reason === 'UPSTREAM_UNAVAILABLE') return 'missing';
  if (error.extensions.reason === 'UPSTREAM_TIMEOUT') return 'timeout';
  return `other ${JSON.stringify(error)}`;
}

/** The signed-in user's own part, from auth, is in every answer whatever market does. */
const hasPartialData = (answer: Answer) => answer.status === 200 && typeof answer.body.data?.me?.id === 'string';

describe('a subgraph killed under load', () => {
  it('keeps serving the other subgraph with partial data, names the missing service, and serves it again right after a restart', async () => {
    const gateway = await gatewayOver(market!.url);
    const before = await ask(gateway.url);
    expect(marketOutcome(before)).toBe('served');
    expect(hasPartialData(before)).toBe(true);

    // Eight clients send the query back to back while market is stopped under them.
    const answers: Answer[] = [];
    let running = true;
    const clients = Array.from({ length: 8 }, async () => {
      while (running) answers.push(await ask(gateway.url));
    });
    while (answers.length < 40) await new Promise((resolve) => setTimeout(resolve, 10));
    await market!.close();
    market = null;
    const atKill = answers.length;
    while (answers.length < atKill + 80) await new Promise((resolve) => setTimeout(resolve, 10));
    running = false;
    await Promise.all(clients);

    const outcomes = answers.map(marketOutcome);
    expect(new Set(outcomes)).toEqual(new Set(['served', 'missing']));
    expect(answers.every(hasPartialData)).toBe(true);
    // Requests sent after the kill (past the eight in flight) all report market missing, by name, without detail.
    const afterKill = outcomes.slice(atKill + 8);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(new Set(afterKill)).toEqual(new Set(['missing']));
    const missing = answers.find((answer) => marketOutcome(answer) === 'missing')!;
    expect(missing.body.errors?.[0]).toMatchObject({
      message: 'The market service is unavailable',
      extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'market', reason: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(missing.body.data).toMatchObject({ me: { id: expect.any(String) }, instrument: null });

    // Restarted on the same port: the very next request is served by it again.
    market = await startMarket(marketPort);
    const after = await ask(gateway.url);
    expect(marketOutcome(after)).toBe('served');
    expect(hasPartialData(after)).toBe(true);
  });
});

/** A TCP relay that holds every connection `delayMs` before passing it on: a slow network or host. */
async function startSlowRelay(target: string, delayMs: number) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    const timer = setTimeout(() => {
      const upstream = net.connect(Number(port), hostname, () => {
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    }, delayMs);
    client.on('error', () => clearTimeout(timer));
    client.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a slow subgraph', () => {
  it('answers its part with a coded UPSTREAM_TIMEOUT error after UPSTREAM_TIMEOUT_MS, and the rest with data', async () => {
    market ??= await startMarket(marketPort);
    const relay = await startSlowRelay(market.url, 3_000);
    try {
      const gateway = await gatewayOver(relay.url, { UPSTREAM_TIMEOUT_MS: '300' });
      const answer = await ask(gateway.url);
      expect(answer.status).toBe(200);
      expect(hasPartialData(answer)).toBe(true);
      expect(answer.body.errors).toEqual([
        {
          message: 'The market service did not answer in time',
          extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'market', reason: 'UPSTREAM_TIMEOUT' },
        },
      ]);
    } finally {
      await relay.close();
    }
  });
});
