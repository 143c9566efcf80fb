import { bigint, text, timestamp } from 'drizzle-orm/pg-core';
import { marketData } from './market-data.ts';

/**
 * Progress of a CSV backfill, keyed by the file's identity (path, size and modification time).
 * Written in the same transaction as each batch, so a resumed run skips exactly what landed.
 */
export const backfillCheckpoints = marketData.table('backfill_checkpoints', {
  fileKey: text('file_key').primaryKey(),
  path: text('path').notNull(),
  /** Data lines (after the header) committed so far. */
  linesDone: bigint('lines_done', { mode: 'number' }).notNull(),
  /** Ticks accepted and rejected so far (a rejected line still counts as done). */
  accepted: bigint('accepted', { mode: 'number' }).notNull().default(0),
  rejected: bigint('rejected', { mode: 'number' }).notNull().default(0),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
