import http from 'node:http';
import net from 'node:net';
import { createLogger } from '@nexanest/graphql';
import { gatewayEnvSchema, startGateway } from '../../src/index.ts';

export type Gateway = Awaited<ReturnType<typeof startGateway>>;

export interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown }>;
}

const SUBGRAPHS = ['auth', 'portfolio', 'market', 'analytics', 'notifications'] as const;

/** A port nothing listens on: bound, read, released. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A stand-in for every subgraph: counts the requests it gets and answers each with `answer`.
 * Tests use the count to show a refused operation never left the gateway.
 */
export async function startFakeSubgraph(answer: (request: { query: string }) => unknown) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      requests += 1;
      const body = JSON.stringify(answer(JSON.parse(raw) as { query: string }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A real gateway on an ephemeral port, every subgraph routed to `subgraphUrl` (a dead port by
 * default). `env` is the raw environment, so tests exercise env.ts parsing as main.ts does.
 */
export async function startTestGateway(options: { env?: Record<string, string>; subgraphUrl?: string } = {}): Promise<Gateway> {
  const subgraphUrl = options.subgraphUrl ?? `http://127.0.0.1:${await deadPort()}/graphql`;
  // Parsed directly rather than through loadEnv: production's REDIS_URL and database checks are
  // for services that open connections, which the gateway does not.
  // Subgraph URLs are given to the env as well, since production requires them there.
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase()}_SUBGRAPH_URL`, subgraphUrl]));
  const env = gatewayEnvSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...urls, ...options.env });
  return startGateway({
    env,
    logger: createLogger('gateway-test', 'silent'),
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrl])),
    port: 0,
  });
}

/** POST as a browser app would: JSON body, JSON content type. */
export async function postGraphQL(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
}

/** GET with the query string built from `params` (objects are JSON-encoded, as APQ clients do). */
export async function getGraphQL(url: string, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
  const response = await fetch(`${url}?${search}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
}

export const firstError = (body: GraphQLBody) => body.errors?.[0];
