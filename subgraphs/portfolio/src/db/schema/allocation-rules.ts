import { numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { portfolios } from './portfolios.ts';

/**
 * A target weight for one group of a portfolio's holdings (an asset class, sector, country,
 * currency or symbol), with the drift it tolerates. One rule per portfolio, dimension and key.
 * Weights are fractions in [0, 1], stored exactly as given.
 */
export const allocationRules = pgTable(
  'allocation_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portfolioId: uuid('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    targetWeight: numeric('target_weight').notNull(),
    tolerance: numeric('tolerance').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The unique index also serves the portfolio's list.
  (table) => [unique('allocation_rules_portfolio_dimension_key').on(table.portfolioId, table.dimension, table.key)],
);

export type AllocationRuleRow = typeof allocationRules.$inferSelect;
