import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The contract's NotificationKind, stored as a PostgreSQL enum. */
export const notificationKind = pgEnum('notification_kind', ['PRICE_ALERT', 'TRANSACTION', 'SECURITY', 'GOAL', 'SYSTEM']);

/**
 * In-app notifications, newest first per user. `created_at` keeps milliseconds only, so the
 * (created_at, id) cursor a client gets back round-trips exactly through a JavaScript Date.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    kind: notificationKind('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().default(sql`date_trunc('milliseconds', now())`),
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    // Pages: where user_id = $1 and (created_at, id) < cursor order by created_at desc, id desc
    // (a backward scan of this ascending index; NOT NULL columns, so null ordering never differs).
    index('notifications_user_id_created_at_id_idx').on(table.userId, table.createdAt, table.id),
    // unreadCount and "mark all read" touch the unread rows only.
    index('notifications_user_id_unread_idx').on(table.userId).where(sql`${table.readAt} is null`),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationKind = NotificationRow['kind'];
