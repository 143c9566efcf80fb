import { createErasureConsumer, type Redis, type StreamConsumer } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { NotificationsDb } from './db/index.ts';
import { eraseUserNotifications } from './personal-data.ts';

/** notifications' consumer group for erasure. */
export const NOTIFICATIONS_ERASURE_GROUP = 'notifications.erasure';

/**
 * Erases a deleted user's notifications, preferences, alerts and emails when user.deleted
 * arrives, on the owner's connection. Deletes are idempotent.
 */
export function createNotificationsErasureConsumer(options: { db: NotificationsDb; redis: Redis; namespace: string; logger: Logger }): StreamConsumer {
  return createErasureConsumer({
    ...options,
    group: NOTIFICATIONS_ERASURE_GROUP,
    erase: (user) => options.db.transaction((tx) => eraseUserNotifications(tx, user)),
  });
}
