import { hostname } from 'node:os';
import {
  connectRedis,
  createStreamConsumer,
  EVENTS_REDIS_DB,
  eventsStreamKey,
  routeByTopic,
  type Redis,
  type RedisTarget,
  type StreamConsumer,
} from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import { eraseUserAnalytics } from './personal-data.ts';

/** analytics' consumer group for erasure; a group of its own, so it sees every event whatever else analytics consumes. */
export const ANALYTICS_ERASURE_GROUP = 'analytics.erasure';

/**
 * Erases a deleted user's snapshots (time-series database, the primary, never the read replica)
 * and their portfolios' snapshot jobs when user.deleted arrives. Deletes are idempotent.
 */
export function createAnalyticsErasureConsumer(options: {
  sql: { analytics: Sql; timescale: Sql };
  redis: Redis;
  namespace: string;
  logger: Logger;
}): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: ANALYTICS_ERASURE_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    handle: routeByTopic({
      'user.deleted': async (event) => {
        const { userId } = (event.payload ?? {}) as { userId?: unknown };
        if (typeof userId !== 'string' || !/^[0-9a-f-]{36}$/i.test(userId)) return;
        await eraseUserAnalytics(options.sql, userId.toLowerCase());
      },
    }),
  });
}

/** Starts the erasure consumer with a Redis client of its own; `stop` releases it. */
export async function startAnalyticsErasure(options: {
  sql: { analytics: Sql; timescale: Sql };
  redis: RedisTarget;
  namespace: string;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const redis = connectRedis(options.redis, EVENTS_REDIS_DB);
  redis.on('error', (error) => options.logger.warn({ err: { message: error.message } }, 'redis error (erasure)'));
  const consumer = createAnalyticsErasureConsumer({ sql: options.sql, redis, namespace: options.namespace, logger: options.logger });
  try {
    await consumer.start();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return {
    async stop() {
      await consumer.stop();
      redis.disconnect();
    },
  };
}
