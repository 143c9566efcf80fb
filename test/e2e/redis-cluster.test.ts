import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import { Redis as NodeClient } from 'ioredis';
import WebSocket from 'ws';
import { loadEnv } from '@nexanest/config';
import { connectRedis, createBus, probeRedis, type Redis, type RedisClusterTarget, redisTarget } from '@nexanest/bus';
import { latestPriceKey, MARKET_REDIS_DB, marketEnvSchema } from '@nexanest/market';
import { eventually, startPrivateRedisCluster, type PrivateRedisCluster } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

// REDIS_CLUSTER_NODES: the whole stack on a private three-node Redis Cluster (never the shared
// Redis on 6379): pub/sub for live prices, the events stream and its consumer group, the
// latest-price cache and session revocations all go through the ioredis Cluster client.
let cluster: PrivateRedisCluster;
let target: RedisClusterTarget;
let stack: TestStack;
let client: Redis;
beforeAll(async () => {
  cluster = await startPrivateRedisCluster();
  // As a service reads it: the setting validated by the shared env schema, then redisTarget.
  target = redisTarget(loadEnv(marketEnvSchema, { NODE_ENV: 'test', REDIS_CLUSTER_NODES: cluster.setting })) as RedisClusterTarget;
  client = connectRedis(target, 0);
  stack = await startTestStack({ redis: target });
});
afterAll(async () => {
  client?.disconnect();
  await stack?.teardown();
  await cluster?.stop();
});

describe('REDIS_CLUSTER_NODES', () => {
  it('reads the setting as a cluster, which answers readiness probes', async () => {
    expect(target.clusterNodes).toEqual(cluster.nodes);
    expect(await probeRedis(target)).toBe(true);
    const health = await fetch(new URL('/health/redis', stack.gatewayUrl));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ checks: { 'gateway.redis': { ok: true }, 'auth.redis': { ok: true }, 'market.redis': { ok: true } } });
  });

  it('delivers to a cluster subscriber what is published on any node', async () => {
    const bus = createBus({ redisUrl: target, namespace: stack.namespace });
    const received: string[] = [];
    const unsubscribe = bus.subscribe('cluster-check', (message) => received.push(message));
    const nodes = cluster.nodes.map((node) => new NodeClient(node));
    try {
      // Wait until the SUBSCRIBE is in place (PUBSUB NUMSUB answers for the whole cluster on any node).
      await eventually(
        async () => (await nodes[0]!.pubsub('NUMSUB', `${stack.namespace}:cluster-check`))[1],
        (count) => Number(count) > 0,
      );
      for (const [index, node] of nodes.entries()) await node.publish(`${stack.namespace}:cluster-check`, `from node ${index}`);
      await bus.publish('cluster-check', 'from the bus');
      const all = await eventually(
        async () => [...received],
        (messages) => messages.length >= 4,
      );
      expect(all.sort()).toEqual(['from node 0', 'from node 1', 'from node 2', 'from the bus']);
    } finally {
      unsubscribe();
      for (const node of nodes) node.disconnect();
      await bus.close();
    }
  });

  it('streams PriceTicks to a WebSocket client and caches the latest price in the cluster', async () => {
    const ws = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const events = ws.iterate({ query: operation('PriceTicks'), variables: { symbols: ['MSFT'] } });
    const first = events.next();
    let arrived = false;
    void first.then(() => (arrived = true));
    const admin = await adminClient(stack);
    let time = '';
    for (let attempt = 0; attempt < 50 && !arrived; attempt++) {
      time = new Date(Date.now() - 1000 - attempt).toISOString();
      await admin.request(operation('IngestPrices'), { ticks: [{ symbol: 'MSFT', price: `41${attempt}.25`, time }] });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(((await first).value as { data: { priceTicks: { symbol: string } } }).data.priceTicks.symbol).toBe('MSFT');
    await events.return?.();
    await ws.dispose();

    const cache = connectRedis(target, MARKET_REDIS_DB);
    try {
      const cached = JSON.parse((await cache.get(latestPriceKey(stack.namespace, 'MSFT'))) ?? '{}') as { time?: string };
      expect(cached.time).toBe(time);
      // Several symbols in one MGET: the hash tag keeps them in one slot.
      const many = await cache.mget(latestPriceKey(stack.namespace, 'MSFT'), latestPriceKey(stack.namespace, 'AAPL'));
      expect(many).toHaveLength(2);
    } finally {
      cache.disconnect();
    }
  });

  it('carries the verification email through the events stream to the notifications consumer group', async () => {
    const user = await registerUser(stack, 'clustered');
    const admin = await adminClient(stack);
    const emails = await eventually(
      async () => (await admin.request(operation('OutboundEmails'), { to: user.email })).data?.outboundEmails ?? [],
      (list) => list.length > 0,
    );
    expect(emails).toEqual([expect.objectContaining({ to: user.email.toLowerCase(), subject: 'Confirm your NexaNest email' })]);
    const groups = (await client.xinfo('GROUPS', `${stack.namespace}:events`)) as unknown[][];
    expect(groups.map((group) => group[1])).toContain('notifications');
  });

  it('ends a session at once on logout (revocations in the cluster)', async () => {
    const user = await registerUser(stack, 'clustered-logout');
    const login = await stack.client.request(operation('Login'), { email: user.email, password: user.password });
    const { accessToken, refreshToken } = login.data!.login as { accessToken: string; refreshToken: string };
    await stack.client.request(operation('Logout'), { refreshToken });
    const after = await stack.client.withToken(accessToken).request(operation('Me'));
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
