import { bigint, date, numeric, text, timestamp } from 'drizzle-orm/pg-core';
import { marketData } from './market-data.ts';
import { instruments } from './instruments.ts';

/**
 * One row per symbol: the last price and the range of its UTC day. Ingest keeps it in step with
 * stock_prices in the same transaction, so reads never aggregate the time series.
 */
export const latestPrices = marketData.table('latest_prices', {
  symbol: text('symbol')
    .primaryKey()
    .references(() => instruments.symbol),
  price: numeric('price').notNull(),
  time: timestamp('time', { withTimezone: true }).notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  open: numeric('open').notNull(),
  /** When the open was observed, so a late tick earlier in the day can still become the open. */
  openTime: timestamp('open_time', { withTimezone: true }).notNull(),
  high: numeric('high').notNull(),
  low: numeric('low').notNull(),
  volume: numeric('volume'),
  prevClose: numeric('prev_close'),
  /**
   * Grows on every write (microseconds of the writing clock, at least the previous value + 1), so
   * the Redis copy keeps the newest state even when writes reach it out of order.
   */
  revision: bigint('revision', { mode: 'number' }).notNull().default(0),
});
