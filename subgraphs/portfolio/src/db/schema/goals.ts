import { index, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { portfolios } from './portfolios.ts';

/** A savings target for a portfolio: an amount in the portfolio's base currency by a date. */
export const goals = pgTable(
  'goals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portfolioId: uuid('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    targetAmount: numeric('target_amount').notNull(),
    /** The portfolio's base currency when the goal was set (it cannot change afterwards). */
    currency: text('currency').notNull(),
    targetDate: timestamp('target_date', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('goals_portfolio_id_idx').on(table.portfolioId)],
);

export type GoalRow = typeof goals.$inferSelect;
