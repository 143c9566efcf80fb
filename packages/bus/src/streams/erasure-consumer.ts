import { hostname } from 'node:os';
import type { Logger } from '@nexanest/graphql';
import { connectRedis, type Redis, type RedisTarget } from '../redis.ts';
import { EVENTS_REDIS_DB, eventsStreamKey, routeByTopic } from './events.ts';
import { createStreamConsumer, type StreamConsumer, type StreamConsumerOptions } from './stream-consumer.ts';

/** The event auth emits when an account is deleted; every subgraph erases its part on it. */
export const USER_DELETED = 'user.deleted';

/** Whom a `user.deleted` event names: the id (lower case) and, when the event carries it, the email. */
export interface ErasedUser {
  userId: string;
  email: string | null;
}

/** Consumer tuning passed through (defaults: see createStreamConsumer). */
export interface ErasureConsumerOptions extends Partial<Pick<StreamConsumerOptions, 'blockMs' | 'claimIdleMs' | 'maxAttempts'>> {
  /** Any client on the events database (the consumer duplicates it). */
  redis: Redis;
  namespace: string;
  /** The subgraph's erasure group (`<subgraph>.erasure`): a group of its own sees every event whatever else the subgraph consumes. */
  group: string;
  logger: Logger;
  /** Erases the user's data in this subgraph. Must be idempotent: an event may be delivered again. Throwing retries it later. */
  erase(user: ErasedUser): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads whom a `user.deleted` payload names; null when it names nobody valid (nothing to erase). */
export function erasedUserOf(payload: unknown): ErasedUser | null {
  const { userId, email } = (payload ?? {}) as { userId?: unknown; email?: unknown };
  if (typeof userId !== 'string' || !UUID.test(userId)) return null;
  return { userId: userId.toLowerCase(), email: typeof email === 'string' ? email : null };
}

/** A consumer of `user.deleted` in the subgraph's erasure group, calling `erase` for each deleted user. */
export function createErasureConsumer(options: ErasureConsumerOptions): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: options.group,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    blockMs: options.blockMs,
    claimIdleMs: options.claimIdleMs,
    maxAttempts: options.maxAttempts,
    handle: routeByTopic({
      [USER_DELETED]: async (event) => {
        const user = erasedUserOf(event.payload);
        if (user) await options.erase(user);
      },
    }),
  });
}

/**
 * Starts an erasure consumer on a Redis client of its own (events database); `stop` ends it,
 * disconnects, then calls `release` (for what the caller opened for `erase`, e.g. an owner pool).
 * When the start fails, both are released before the error is thrown.
 */
export async function startErasureConsumer(
  options: Omit<ErasureConsumerOptions, 'redis'> & { redis: RedisTarget; release?: () => Promise<void> },
): Promise<{ stop(): Promise<void> }> {
  const redis = connectRedis(options.redis, EVENTS_REDIS_DB);
  redis.on('error', (error) => options.logger.warn({ err: { message: error.message } }, `redis error (${options.group})`));
  const consumer = createErasureConsumer({ ...options, redis });
  const release = async () => {
    redis.disconnect();
    await options.release?.();
  };
  try {
    await consumer.start();
  } catch (error) {
    await release();
    throw error;
  }
  return {
    async stop() {
      await consumer.stop();
      await release();
    },
  };
}
