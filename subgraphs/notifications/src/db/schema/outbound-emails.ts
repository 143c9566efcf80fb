import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The email outbox: one row per email to send. `event_id` is the id of the stream event that
 * asked for it, unique so a redelivered event stores nothing new. Bodies hold one-time links
 * (tokens): never log them.
 */
export const outboundEmails = pgTable(
  'outbound_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: text('event_id').notNull().unique(),
    userId: uuid('user_id'),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    kind: text('kind').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** When the sender may try (again); a claimed email's lease ends then too. Null: at once. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  },
  (table) => [
    index('outbound_emails_to_address_created_at_idx').on(table.toAddress, table.createdAt),
    // The sender's queue: unsent emails, by when they are due.
    index('outbound_emails_unsent_idx').on(table.nextAttemptAt, table.createdAt).where(sql`${table.sentAt} is null`),
  ],
);

export type OutboundEmailRow = typeof outboundEmails.$inferSelect;
