import { numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { portfolios } from './portfolios.ts';

/**
 * One row per (portfolio, symbol), maintained from the ledger in the same database transaction.
 * A position sold down to zero keeps its row (and its realized gain) but is hidden from lists.
 */
export const holdings = pgTable(
  'holdings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portfolioId: uuid('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    symbol: text('symbol').notNull(),
    quantity: numeric('quantity').notNull(),
    /** Total cost of the shares held, in the trading currency, fees included. */
    costBasis: numeric('cost_basis').notNull(),
    currency: text('currency').notNull(),
    realizedGain: numeric('realized_gain').notNull().default('0'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('holdings_portfolio_symbol').on(table.portfolioId, table.symbol)],
);

export type HoldingRow = typeof holdings.$inferSelect;
