import { index, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { portfolios } from './portfolios.ts';

/**
 * The ledger: append-only entries from which holdings and cash are derived. NUMERIC without a
 * fixed scale keeps every input digit; `amount` is the signed cash effect in `currency`.
 */
export const transactions = pgTable(
  'transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    portfolioId: uuid('portfolio_id')
      .notNull()
      .references(() => portfolios.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    symbol: text('symbol'),
    quantity: numeric('quantity'),
    price: numeric('price'),
    fees: numeric('fees'),
    amount: numeric('amount').notNull(),
    currency: text('currency').notNull(),
    executedAt: timestamp('executed_at', { withTimezone: true }).notNull(),
    idempotencyKey: text('idempotency_key'),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // NULL keys never collide, so entries recorded without a key are unconstrained.
    unique('transactions_portfolio_idempotency_key').on(table.portfolioId, table.idempotencyKey),
    index('transactions_portfolio_executed_at_idx').on(table.portfolioId, table.executedAt),
  ],
);

export type TransactionRow = typeof transactions.$inferSelect;
