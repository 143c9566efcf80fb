import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Events this database has applied, per consumer: `processOnce` (@nexanest/bus) records them with the effect. */
export const processedEvents = pgTable(
  'processed_events',
  {
    consumer: text('consumer').notNull(),
    eventId: text('event_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
);
