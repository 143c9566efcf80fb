import { hostname } from 'node:os';
import { createStreamConsumer, eventsStreamKey, routeByTopic, type Redis, type StreamConsumer } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { NotificationsDb } from './db/index.ts';
import { eraseUserNotifications } from './personal-data.ts';

/** notifications' consumer group for erasure; a group of its own, so it sees every event whatever else notifications consumes. */
export const NOTIFICATIONS_ERASURE_GROUP = 'notifications.erasure';

/**
 * Erases a deleted user's notifications, preferences, alerts and emails when user.deleted
 * arrives, on the owner's connection. Deletes are idempotent.
 */
export function createNotificationsErasureConsumer(options: { db: NotificationsDb; redis: Redis; namespace: string; logger: Logger }): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: NOTIFICATIONS_ERASURE_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    handle: routeByTopic({
      'user.deleted': async (event) => {
        const { userId, email } = (event.payload ?? {}) as { userId?: unknown; email?: unknown };
        if (typeof userId !== 'string' || !/^[0-9a-f-]{36}$/i.test(userId)) return;
        await options.db.transaction((tx) => eraseUserNotifications(tx, { userId: userId.toLowerCase(), email: typeof email === 'string' ? email : null }));
      },
    }),
  });
}
