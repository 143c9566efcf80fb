import { index, pgTable, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { portfolios } from './portfolios.ts';

/**
 * An owner's grant of read-only access to one portfolio for one advisor. A revoked grant keeps
 * its row (revoked_at set) for the audit trail; granting again clears revoked_at. owner_id is
 * copied from the portfolio so that row-level security can check it without a join.
 */
export const portfolioAccess = pgTable(
  'portfolio_access',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portfolioId: uuid('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').notNull(),
    advisorId: uuid('advisor_id').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [
    unique('portfolio_access_portfolio_advisor').on(table.portfolioId, table.advisorId),
    index('portfolio_access_advisor_idx').on(table.advisorId),
    index('portfolio_access_owner_idx').on(table.ownerId),
  ],
);

export type PortfolioAccessRow = typeof portfolioAccess.$inferSelect;
