import { numeric, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { marketData } from './market-data.ts';

/**
 * The price time series. Deliberately NOT listed in drizzle.config.ts: a custom migration creates
 * it as a hypertable or a range-partitioned table, which drizzle-kit cannot express.
 */
export const stockPrices = marketData.table(
  'stock_prices',
  {
    symbol: text('symbol').notNull(),
    time: timestamp('time', { withTimezone: true }).notNull(),
    price: numeric('price').notNull(),
    volume: numeric('volume'),
  },
  (table) => [primaryKey({ columns: [table.symbol, table.time] })],
);
