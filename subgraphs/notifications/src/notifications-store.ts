import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { NotificationsDb } from './db/index.ts';
import { type NotificationRow, notifications } from './db/schema/index.ts';
import type { NotificationCursor } from './domain/cursor.ts';

/**
 * A user's notifications, newest first, after `cursor`: `limit + 1` rows are read so the caller
 * knows whether another page follows.
 */
export function listNotificationsAfter(db: NotificationsDb, userId: string, cursor: NotificationCursor | null, limit: number): Promise<NotificationRow[]> {
  const after = cursor
    ? or(lt(notifications.createdAt, cursor.createdAt), and(eq(notifications.createdAt, cursor.createdAt), lt(notifications.id, cursor.id)))
    : undefined;
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), after))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit + 1);
}

/** How many notifications the user has, and how many of them are unread. */
export async function countNotifications(db: NotificationsDb, userId: string): Promise<{ total: number; unread: number }> {
  const [row] = await db
    .select({ total: count(), unread: sql<number>`count(*) filter (where ${notifications.readAt} is null)`.mapWith(Number) })
    .from(notifications)
    .where(eq(notifications.userId, userId));
  return { total: row?.total ?? 0, unread: row?.unread ?? 0 };
}

/**
 * Marks one of the user's notifications read (keeping the first read time) and returns it; null
 * when the user has no such notification, whoever else may have one.
 */
export async function markNotificationRead(db: NotificationsDb, userId: string, id: string): Promise<NotificationRow | null> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, date_trunc('milliseconds', now()))` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  return row ?? null;
}

/** Marks every unread notification of the user read; returns how many it marked. */
export async function markAllNotificationsRead(db: NotificationsDb, userId: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`date_trunc('milliseconds', now())` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
