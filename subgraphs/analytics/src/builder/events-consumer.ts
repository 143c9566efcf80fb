import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createStreamConsumer, eventsStreamKey, type Redis, routeByTopic, type StreamConsumer, type StreamEvent, UnprocessableEventError } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { SnapshotBuilder } from './snapshot-builder.ts';

/** The consumer group every analytics instance joins on `${namespace}:events`. */
export const ANALYTICS_CONSUMER_GROUP = 'analytics';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * transaction.recorded / transaction.deleted: the portfolio's ledger digests are compared again
 * (the first changed day marks it dirty from there, whatever the entry's date, also for a
 * deletion, whose payload has no date) and its stale days are rebuilt at once. The effect is
 * idempotent (a rebuild of the same ledger writes the same snapshots), so a redelivery is harmless
 * and no processed_events record is needed.
 *
 * user.deleted is handled here too (besides the erasure group): this group reads the stream in
 * order, so a rebuild of a transaction event that came before the deletion cannot write the
 * builder's state after the erasure has run.
 */
export function createAnalyticsEventsConsumer(options: {
  redis: Redis;
  namespace: string;
  builder: SnapshotBuilder;
  logger: Logger;
  /** Erases what analytics holds about a user (idempotent). */
  erase: (userId: string) => Promise<void>;
  consumerName?: string;
  blockMs?: number;
  claimIdleMs?: number;
}): StreamConsumer {
  const rebuild = async (event: StreamEvent) => {
    const portfolioId = (event.payload as { portfolioId?: unknown } | null)?.portfolioId;
    if (typeof portfolioId !== 'string' || !UUID.test(portfolioId)) throw new UnprocessableEventError('payload has no portfolioId');
    await options.builder.run({ portfolioIds: [portfolioId.toLowerCase()] });
  };
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: ANALYTICS_CONSUMER_GROUP,
    consumer: options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    handle: routeByTopic({
      'transaction.recorded': rebuild,
      'transaction.deleted': rebuild,
      'user.deleted': async (event) => {
        const userId = (event.payload as { userId?: unknown } | null)?.userId;
        if (typeof userId !== 'string' || !UUID.test(userId)) throw new UnprocessableEventError('payload has no userId');
        await options.erase(userId.toLowerCase());
      },
    }),
    logger: options.logger,
    blockMs: options.blockMs,
    claimIdleMs: options.claimIdleMs,
  });
}
