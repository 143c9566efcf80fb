import { date, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The snapshot builder's bookkeeping, one row per portfolio it knows of: how far its daily
 * snapshots are built, from which day they are stale, and the per-day digests of the ledger
 * (from portfolio's LEDGER_DIGESTS_PATH) that the next comparison starts from.
 */
export const portfolioSnapshotState = pgTable('portfolio_snapshot_state', {
  portfolioId: uuid('portfolio_id').primaryKey(),
  ownerId: uuid('owner_id').notNull(),
  baseCurrency: text('base_currency').notNull(),
  /** The last UTC day valued (the watermark); null before the first build. */
  builtThrough: date('built_through', { mode: 'string' }),
  /** Snapshots from this day on are stale (a back-dated or deleted entry); null when none are. */
  dirtyFrom: date('dirty_from', { mode: 'string' }),
  /** md5 per UTC day of the ledger last compared, `{ "2025-01-02": "..." }`. */
  dayDigests: jsonb('day_digests').$type<Record<string, string>>().notNull().default({}),
  /** Why the last build failed (a missing price or rate), until a build succeeds. */
  lastError: text('last_error'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
