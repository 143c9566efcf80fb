import { sql } from 'drizzle-orm';
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
    /** When the portfolio's value first reached the target (goal.reached was written then); null until. Never reset. */
    reachedAt: timestamp('reached_at', { withTimezone: true }),
  },
  (table) => [
    index('goals_portfolio_id_idx').on(table.portfolioId),
    // The goal evaluator walks unreached goals only.
    index('goals_unreached_idx').on(table.portfolioId).where(sql`${table.reachedAt} is null`),
  ],
);

export type GoalRow = typeof goals.$inferSelect;
