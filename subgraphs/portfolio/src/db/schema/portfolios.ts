import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A portfolio and its owner; reads are scoped by owner_id or an advisor's grant, writes by owner_id. */
export const portfolios = pgTable(
  'portfolios',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    portfolioType: text('portfolio_type').notNull(),
    baseCurrency: text('base_currency').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    /** Instrument the performance is compared with (market's universe); SPY unless the owner sets one. */
    benchmarkSymbol: text('benchmark_symbol').notNull().default('SPY'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('portfolios_owner_id_idx').on(table.ownerId)],
);

export type PortfolioRow = typeof portfolios.$inferSelect;
