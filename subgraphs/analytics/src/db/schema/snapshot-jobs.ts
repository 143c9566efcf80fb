import { index, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Requests to (re)build a portfolio's snapshots; the builder job that works them off is the next issue. */
export const snapshotJobs = pgTable(
  'snapshot_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portfolioId: uuid('portfolio_id').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [index('snapshot_jobs_portfolio_id_idx').on(table.portfolioId)],
);
