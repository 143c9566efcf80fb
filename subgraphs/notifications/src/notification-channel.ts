import type { Bus } from '@nexanest/bus';
import type { NotificationRow } from './db/schema/index.ts';

/** Each user's notifications go on a channel of their own: `notifications:<userId>` (the bus adds the namespace). */
export const notificationChannel = (userId: string) => `notifications:${userId.toLowerCase()}`;

/** A notification as it travels on the bus: the row with instants as ISO strings. */
export type PublishedNotification = Omit<NotificationRow, 'createdAt' | 'readAt'> & { createdAt: string; readAt: string | null };

/** Publishes a stored notification to its owner's channel. */
export async function publishNotification(bus: Bus, row: NotificationRow): Promise<void> {
  const message: PublishedNotification = { ...row, createdAt: row.createdAt.toISOString(), readAt: row.readAt?.toISOString() ?? null };
  await bus.publish(notificationChannel(row.userId), JSON.stringify(message));
}

/** The notification a message carries, only when it belongs to `userId` (a channel never mixes users, but the check is cheap). */
export function parseNotification(message: string, userId: string): PublishedNotification | null {
  try {
    const parsed = JSON.parse(message) as PublishedNotification;
    return typeof parsed.id === 'string' && parsed.userId === userId.toLowerCase() ? parsed : null;
  } catch {
    return null;
  }
}
