import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@nexanest/graphql';
import { loadGatewayEnv, startGateway } from '../src/index.ts';

/** A port nothing listens on: bound, read, released. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let gateway: Awaited<ReturnType<typeof startGateway>>;
beforeAll(async () => {
  const dead = `http://127.0.0.1:${await deadPort()}/graphql`;
  gateway = await startGateway({
    env: loadGatewayEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    logger: createLogger('gateway-test', 'silent'),
    subgraphUrls: { auth: dead, portfolio: dead, market: dead, analytics: dead, notifications: dead },
    port: 0,
  });
});
afterAll(async () => {
  await gateway?.close();
});

const post = async (body: unknown) => {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
};

describe('a gateway whose subgraphs are down', () => {
  it('starts anyway, and its errors name the missing subgraph without internal detail', async () => {
    const { body } = await post({ query: 'query($s: ID!) { instrument(symbol: $s) { name } }', variables: { s: 'AAPL' } });
    expect(body.errors).toHaveLength(1);
    const error = body.errors![0]!;
    expect(error.message).toBe('The market service is unavailable');
    expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', serviceName: 'market', reason: 'UPSTREAM_UNAVAILABLE' });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack/);
  });

  it('still answers malformed documents itself with GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await post({ query: '{ instrument(' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers a field that does not exist with GRAPHQL_VALIDATION_FAILED', async () => {
    const { body } = await post({ query: '{ nope }' });
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a bearer token it cannot verify', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(response.status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
