import { numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { portfolios } from './portfolios.ts';

/** Cash per portfolio and currency: the running sum of the ledger's signed amounts. */
export const cashBalances = pgTable(
  'cash_balances',
  {
    portfolioId: uuid('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    currency: text('currency').notNull(),
    amount: numeric('amount').notNull(),
  },
  (table) => [primaryKey({ columns: [table.portfolioId, table.currency] })],
);

export type CashBalanceRow = typeof cashBalances.$inferSelect;
