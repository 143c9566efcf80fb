import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { loadGatewayEnv, startGateway } from '@nexanest/gateway';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { startRecordingProxy } from '../support/recording-proxy.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let broken: (ServiceHandle & { port: number }) | undefined;
const base = () => stack.gatewayUrl.replace(/\/graphql$/, '');
const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: await response.text() };
};

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await broken?.close();
  await stack?.teardown();
});

describe('health endpoints', () => {
  it('reports the gateway ready when every subgraph and its stores answer', async () => {
    const ready = await get(`${base()}/health/ready`);
    expect(ready.status).toBe(200);
    const report = JSON.parse(ready.body);
    expect(report.status).toBe('ok');
    expect(Object.keys(report.checks).sort()).toEqual(['analytics', 'auth', 'gateway.redis', 'market', 'notifications', 'portfolio']);
  });

  it('reports PostgreSQL and Redis across the services that use them', async () => {
    const postgres = JSON.parse((await get(`${base()}/health/postgres`)).body);
    expect(postgres.status).toBe('ok');
    expect(postgres.checks).toHaveProperty(['auth.postgres', 'ok'], true);
    expect(postgres.checks).toHaveProperty(['portfolio.postgres', 'ok'], true);
    const redis = JSON.parse((await get(`${base()}/health/redis`)).body);
    expect(redis.checks).toHaveProperty(['gateway.redis', 'ok'], true);
    expect(redis.checks).toHaveProperty(['auth.redis', 'ok'], true);
  });

  it('answers 503 naming the subgraph that does not answer, without its address', async () => {
    const env = loadGatewayEnv({ NODE_ENV: 'test', REDIS_URL: testRedisUrl(), NEXANEST_NAMESPACE: stack.namespace, HEALTH_TIMEOUT_MS: '500' });
    broken = await startGateway({
      env,
      logger: createLogger('health-test', 'silent'),
      subgraphUrls: { ...stack.services, analytics: 'http://127.0.0.1:9/graphql' },
      port: 0,
    });
    const ready = await get(`${broken.url.replace(/\/graphql$/, '')}/health/ready`);
    expect(ready.status).toBe(503);
    const report = JSON.parse(ready.body);
    expect(report.checks.analytics).toMatchObject({ ok: false, error: 'unavailable' });
    expect(report.checks.auth.ok).toBe(true);
    expect(ready.body).not.toContain('127.0.0.1');
  });
});

describe('metrics and request ids', () => {
  it('counts operations by name at the gateway and in the subgraphs, and times subgraph fetches', async () => {
    const user = await registerUser(stack, 'metrics');
    const answer = await user.client.request(operation('Dashboard'));
    expect(answer.errors).toBeUndefined();
    const gateway = (await get(`${base()}/metrics`)).body;
    expect(gateway).toMatch(/graphql_operations_total\{[^}]*operation="Dashboard"[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(gateway).toMatch(/subgraph_fetch_duration_seconds_count\{[^}]*subgraph="portfolio"[^}]*\} [1-9]/);
    expect(gateway).toMatch(/graphql_subscriptions_active\{[^}]*kind="subscribers"[^}]*\} 0/);
    expect(gateway).toContain('process_resident_memory_bytes');
    const portfolio = (await get(new URL('/metrics', stack.services.portfolio).toString())).body;
    expect(portfolio).toMatch(/graphql_operations_total\{[^}]*service="portfolio"[^}]*\} [1-9]/);
    // Every subgraph reports its pools; notifications also the events stream's consumer groups.
    expect(portfolio).toMatch(/db_pool_connections\{[^}]*pool="portfolio"[^}]*state="open"[^}]*\} [1-9]/);
    for (const [name, pool] of [
      ['auth', 'auth'],
      ['market', 'timescale'],
      ['analytics', 'analytics'],
      ['notifications', 'notifications'],
    ] as const) {
      expect((await get(new URL('/metrics', stack.services[name]).toString())).body).toMatch(new RegExp(`db_pool_max_connections\\{[^}]*pool="${pool}"`));
    }
    const notifications = (await get(new URL('/metrics', stack.services.notifications).toString())).body;
    expect(notifications).toMatch(/redis_stream_group_lag\{[^}]*group="notifications"[^}]*\} \d/);
  });

  it('keeps a well-formed request id from the client and makes one otherwise', async () => {
    const kept = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-0123456789' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-0123456789');
    const replaced = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id\twith spaces' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("forwards each request's own id on its subgraph fetches, concurrent requests included", async () => {
    const proxy = await startRecordingProxy(stack.services.auth as string);
    const gateway = await startGateway({
      env: loadGatewayEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: testRedisUrl(), NEXANEST_NAMESPACE: stack.namespace }),
      logger: createLogger('request-ids', 'silent'),
      subgraphUrls: { ...stack.services, auth: proxy.url },
      port: 0,
    });
    try {
      const user = await registerUser(stack, 'request-id');
      proxy.take();
      const ask = (requestId?: string) =>
        fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
          body: JSON.stringify({ query: '{ me { id } }' }),
        });
      const answers = await Promise.all([ask('trace-first-0001'), ask('trace-second-0002'), ask()]);
      const made = answers[2]?.headers.get('x-request-id');
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
      const forwarded = proxy.take().map((request) => request.requestId);
      expect(forwarded.sort()).toEqual(['trace-first-0001', 'trace-second-0002', made].sort());
    } finally {
      await gateway.close();
      await proxy.close();
    }
  });
});
