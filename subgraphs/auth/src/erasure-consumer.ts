import { hostname } from 'node:os';
import { createStreamConsumer, eventsStreamKey, routeByTopic, type Redis, type StreamConsumer } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import { purgePublishedEvents, USER_DELETED } from './account-deletion.ts';
import type { AuthDb } from './db/index.ts';

/** auth's consumer group for erasure; a group of its own, so it sees every event whatever else auth consumes. */
export const AUTH_ERASURE_GROUP = 'auth.erasure';

/**
 * When user.deleted comes back from the stream, the events auth published about the user (their
 * user.deleted included) are out, so auth deletes them from its outbox: after this, auth's
 * database holds nothing naming the user. Idempotent (a delete), so redelivery is harmless.
 */
export function createAuthErasureConsumer(options: { db: AuthDb; redis: Redis; namespace: string; logger: Logger }): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: AUTH_ERASURE_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    handle: routeByTopic({
      [USER_DELETED]: async (event) => {
        const { userId, email } = (event.payload ?? {}) as { userId?: unknown; email?: unknown };
        if (typeof userId !== 'string') return;
        await purgePublishedEvents(options.db, { id: userId, email: typeof email === 'string' ? email : userId }, { includeUserDeleted: true });
      },
    }),
  });
}
