import { Redis } from 'ioredis';

export type { Redis };

/**
 * A Redis client on one logical database (the platform guide: 0 general and portfolio cache,
 * 1 market, 2 sessions, 3 notifications, 5 analytics).
 */
export function connectRedis(url: string, db: number): Redis {
  return new Redis(url, { db, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

/** True when a Redis server answers PING at `url` within the timeout. */
export async function probeRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
