import { boolean, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One row per user who changed a preference; users without a row have the defaults. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id').primaryKey(),
  emailEnabled: boolean('email_enabled').notNull().default(true),
  inAppEnabled: boolean('in_app_enabled').notNull().default(true),
  priceAlerts: boolean('price_alerts').notNull().default(true),
  transactionConfirmations: boolean('transaction_confirmations').notNull().default(true),
  securityAlerts: boolean('security_alerts').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type NotificationPreferencesRow = typeof notificationPreferences.$inferSelect;
