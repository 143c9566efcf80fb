import type { RedisClusterNode } from '@nexanest/config';
import { Cluster, type RedisOptions, Redis as SingleRedis } from 'ioredis';

export type { RedisClusterNode };

/** A Redis Cluster: its seed nodes, and optionally a URL lending user, password and TLS (rediss:) to every node. */
export interface RedisClusterTarget {
  clusterNodes: readonly RedisClusterNode[];
  url?: string;
}

/** Where Redis is: the URL of one server, or a cluster. */
export type RedisTarget = string | RedisClusterTarget;

/** A connection to one Redis or to a Redis Cluster: both speak the same commands. */
export type Redis = SingleRedis | Cluster;

/** Client settings a caller may tune; the rest are the same in both modes. */
export type RedisClientOptions = Pick<RedisOptions, 'maxRetriesPerRequest' | 'commandTimeout' | 'disableClientInfo' | 'lazyConnect' | 'connectTimeout'>;

/** The validated environment's Redis: a cluster when REDIS_CLUSTER_NODES is set, else REDIS_URL, else none. */
export function redisTarget(env: { REDIS_URL?: string | undefined; REDIS_CLUSTER_NODES?: readonly RedisClusterNode[] | undefined }): RedisTarget | null {
  if (env.REDIS_CLUSTER_NODES && env.REDIS_CLUSTER_NODES.length > 0) {
    return { clusterNodes: env.REDIS_CLUSTER_NODES, ...(env.REDIS_URL ? { url: env.REDIS_URL } : {}) };
  }
  return env.REDIS_URL ?? null;
}

export const isClusterTarget = (target: RedisTarget): target is RedisClusterTarget => typeof target !== 'string';

const hostPort = (node: RedisClusterNode) => (node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`);

/** The REDIS_CLUSTER_NODES value of a cluster's seed nodes. */
export const clusterNodesSetting = (target: RedisClusterTarget) => target.clusterNodes.map(hostPort).join(',');

/** Where Redis is, for logs and banners: no password. */
export function describeRedis(target: RedisTarget): string {
  if (typeof target !== 'string') return `cluster ${clusterNodesSetting(target)}`;
  const url = new URL(target);
  if (url.password) url.password = '***';
  return url.toString();
}

/** What the cluster's nodes share with the URL: credentials and TLS (its host and port are not used). */
function credentialsOf(url: string | undefined): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A Redis client on one logical database (the platform guide: 0 general and portfolio cache,
 * 1 market, 2 sessions, 3 notifications, 5 analytics). A cluster has database 0 only: there the
 * logical databases share it, which is safe because every key starts `<namespace>:<area>:`.
 */
export function connectRedis(target: RedisTarget, db: number, options: RedisClientOptions = {}): Redis {
  const settings = { maxRetriesPerRequest: 2, ...options };
  if (typeof target === 'string') return new SingleRedis(target, { db, enableOfflineQueue: true, lazyConnect: false, ...settings });
  const { lazyConnect, ...perNode } = settings;
  return new Cluster(
    target.clusterNodes.map((node) => ({ ...node })),
    { lazyConnect: lazyConnect ?? false, enableOfflineQueue: true, redisOptions: { ...credentialsOf(target.url), ...perNode } },
  );
}

/** True when Redis answers within the timeout: PING for one server, `cluster_state:ok` for a cluster. */
export async function probeRedis(target: RedisTarget, timeoutMs = 1000): Promise<boolean> {
  const client =
    typeof target === 'string'
      ? new SingleRedis(target, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null })
      : new Cluster(
          target.clusterNodes.map((node) => ({ ...node })),
          {
            lazyConnect: true,
            clusterRetryStrategy: () => null,
            redisOptions: { ...credentialsOf(target.url), connectTimeout: timeoutMs, maxRetriesPerRequest: 0 },
          },
        );
  client.on('error', () => {});
  try {
    await client.connect();
    if (client instanceof Cluster) return /^cluster_state:ok\s*$/m.test(String(await client.cluster('INFO')));
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Keys matching `match`, a batch at a time; on a cluster, every primary is scanned. */
export async function* scanKeys(redis: Redis, match: string): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    for await (const keys of node.scanStream({ match, count: 500 })) yield keys as string[];
  }
}
