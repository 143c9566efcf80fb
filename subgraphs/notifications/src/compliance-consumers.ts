import { connectRedis, EVENTS_REDIS_DB, type RedisTarget, type StreamConsumer } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import { createAuditConsumer } from './audit/audit-consumer.ts';
import type { NotificationsDb } from './db/index.ts';
import { createNotificationsErasureConsumer } from './erasure-consumer.ts';

/**
 * Starts the audit trail's consumer (group `audit`, writing to the time-series database) and
 * notifications' erasure consumer (group `notifications.erasure`, on the owner's connection),
 * over one Redis client of their own; `stop` ends both.
 */
export async function startComplianceConsumers(options: {
  db: NotificationsDb;
  audit: Sql;
  redis: RedisTarget;
  namespace: string;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const redis = connectRedis(options.redis, EVENTS_REDIS_DB);
  redis.on('error', (error) => options.logger.warn({ err: { message: error.message } }, 'redis error (audit, erasure)'));
  const consumers: StreamConsumer[] = [
    createAuditConsumer({ sql: options.audit, redis, namespace: options.namespace, logger: options.logger }),
    createNotificationsErasureConsumer({ db: options.db, redis, namespace: options.namespace, logger: options.logger }),
  ];
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    redis.disconnect();
  };
  try {
    for (const consumer of consumers) await consumer.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
