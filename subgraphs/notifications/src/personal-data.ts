import { asc, desc, eq, or } from 'drizzle-orm';
import type { NotificationsDb } from './db/index.ts';
import { notificationPreferences, notifications, outboundEmails, priceAlerts } from './db/schema/index.ts';

/**
 * notifications' part of a user's export: in-app notifications, preferences, price alerts and
 * the emails queued to them (without bodies: they may hold one-time links). Runs in the caller's
 * request transaction, so row-level security confines it to the caller's rows.
 */
export async function exportNotifications(db: NotificationsDb, userId: string): Promise<Record<string, unknown>> {
  const [preferences] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  const messages = await db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(desc(notifications.createdAt));
  const alerts = await db.select().from(priceAlerts).where(eq(priceAlerts.userId, userId)).orderBy(asc(priceAlerts.createdAt));
  const emails = await db
    .select({
      id: outboundEmails.id,
      to: outboundEmails.toAddress,
      subject: outboundEmails.subject,
      kind: outboundEmails.kind,
      createdAt: outboundEmails.createdAt,
      sentAt: outboundEmails.sentAt,
    })
    .from(outboundEmails)
    .where(eq(outboundEmails.userId, userId))
    .orderBy(desc(outboundEmails.createdAt));
  return {
    preferences: preferences ?? null,
    notifications: messages,
    priceAlerts: alerts,
    emails,
  };
}

/**
 * Erases what notifications holds about a user (on user.deleted), on the owner's connection:
 * notifications, preferences, price alerts and every email to them (by id or by address).
 * Idempotent.
 */
export async function eraseUserNotifications(db: NotificationsDb, user: { userId: string; email: string | null }): Promise<void> {
  await db.delete(notifications).where(eq(notifications.userId, user.userId));
  await db.delete(notificationPreferences).where(eq(notificationPreferences.userId, user.userId));
  await db.delete(priceAlerts).where(eq(priceAlerts.userId, user.userId));
  await db
    .delete(outboundEmails)
    .where(
      user.email ? or(eq(outboundEmails.userId, user.userId), eq(outboundEmails.toAddress, user.email.toLowerCase())) : eq(outboundEmails.userId, user.userId),
    );
}
