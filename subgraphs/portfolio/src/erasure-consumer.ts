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
import { createPool } from '@nexanest/db';
import { eq } from 'drizzle-orm';
import type { Logger } from '@nexanest/graphql';
import type { PortfolioCache } from './cache/portfolio-cache.ts';
import { schema, type PortfolioDb } from './db/index.ts';
import { portfolios } from './db/schema/index.ts';
import { assertNoUnpublishedEvents, eraseUserPortfolios } from './services/personal-data.ts';

/** portfolio's consumer group for erasure; a group of its own, so it sees every event whatever else portfolio consumes. */
export const PORTFOLIO_ERASURE_GROUP = 'portfolio.erasure';

/**
 * Erases a deleted user's portfolio data when user.deleted arrives, on the owner's connection
 * (row-level security does not apply to the system). Deletes are idempotent, so a redelivered
 * event changes nothing; while outbox events naming the user are unpublished, the handler fails
 * after erasing the rest and the event is handled again once they are out.
 */
export function createPortfolioErasureConsumer(options: {
  db: PortfolioDb;
  redis: Redis;
  namespace: string;
  logger: Logger;
  cache?: PortfolioCache | null;
}): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: PORTFOLIO_ERASURE_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    handle: routeByTopic({
      'user.deleted': async (event) => {
        const { userId } = (event.payload ?? {}) as { userId?: unknown };
        if (typeof userId !== 'string' || !/^[0-9a-f-]{36}$/i.test(userId)) return;
        const owner = userId.toLowerCase();
        const owned = await options.db.select({ id: portfolios.id }).from(portfolios).where(eq(portfolios.ownerId, owner));
        await options.db.transaction((tx) => eraseUserPortfolios(tx, owner));
        // The cache holds copies of the erased rows: they go too, not at the end of their TTL.
        await options.cache?.purge({ portfolios: owned.map((row) => row.id), owners: [owner] });
        await assertNoUnpublishedEvents(options.db, userId.toLowerCase());
      },
    }),
  });
}

/** Starts the erasure consumer with its own owner connection and Redis client; `stop` releases them. */
export async function startPortfolioErasure(options: {
  ownerUrl: string;
  redis: RedisTarget;
  namespace: string;
  logger: Logger;
  cache?: PortfolioCache | null;
}): Promise<{ stop(): Promise<void> }> {
  const owner = createPool({ url: options.ownerUrl, max: 2, schema, applicationName: 'portfolio-erasure' });
  const redis = connectRedis(options.redis, EVENTS_REDIS_DB);
  redis.on('error', (error) => options.logger.warn({ err: { message: error.message } }, 'redis error (erasure)'));
  const consumer = createPortfolioErasureConsumer({ db: owner.db, redis, namespace: options.namespace, logger: options.logger, cache: options.cache ?? null });
  const release = async () => {
    redis.disconnect();
    await owner.close();
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
