import { numeric, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { marketData } from './market-data.ts';

/** FX history: 1 unit of base buys `rate` units of quote at `time`. */
export const currencyRates = marketData.table(
  'currency_rates',
  {
    base: text('base').notNull(),
    quote: text('quote').notNull(),
    time: timestamp('time', { withTimezone: true }).notNull(),
    rate: numeric('rate').notNull(),
  },
  (table) => [primaryKey({ columns: [table.base, table.quote, table.time] })],
);
