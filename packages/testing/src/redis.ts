import { Redis } from 'ioredis';
import { testRedisUrl } from './databases.ts';

/** The logical databases the services use (0 general, 1 market, 2 sessions, 3 notifications, 5 analytics). */
const SERVICE_DBS = [0, 1, 2, 3, 5];

/** Deletes every key of a test run's namespace, in every logical database the services use. */
export async function dropRedisNamespace(namespace: string, url = testRedisUrl()): Promise<void> {
  for (const db of SERVICE_DBS) {
    const redis = new Redis(url, { db, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
