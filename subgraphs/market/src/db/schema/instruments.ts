import { text } from 'drizzle-orm/pg-core';
import { marketData } from './market-data.ts';

export const assetClass = marketData.enum('asset_class', ['STOCK', 'ETF', 'INDEX', 'CURRENCY']);

/** The reference universe, loaded from data/instruments.json at boot. */
export const instruments = marketData.table('instruments', {
  symbol: text('symbol').primaryKey(),
  name: text('name').notNull(),
  exchange: text('exchange').notNull(),
  assetClass: assetClass('asset_class').notNull(),
  sector: text('sector'),
  country: text('country').notNull(),
  currency: text('currency').notNull(),
});

export type InstrumentRow = typeof instruments.$inferSelect;
