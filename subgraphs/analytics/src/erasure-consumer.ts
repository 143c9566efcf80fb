import { startErasureConsumer, type RedisTarget } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import { eraseUserAnalytics } from './personal-data.ts';

/** analytics' consumer group for erasure. */
export const ANALYTICS_ERASURE_GROUP = 'analytics.erasure';

/**
 * Starts the consumer that erases a deleted user's snapshots (time-series database, the primary,
 * never the read replica) and their portfolios' snapshot jobs when user.deleted arrives, on a
 * Redis client of its own; `stop` releases it. Deletes are idempotent.
 */
export function startAnalyticsErasure(options: {
  sql: { analytics: Sql; timescale: Sql };
  redis: RedisTarget;
  namespace: string;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  return startErasureConsumer({
    ...options,
    group: ANALYTICS_ERASURE_GROUP,
    erase: ({ userId }) => eraseUserAnalytics(options.sql, userId),
  });
}
