import DataLoader from 'dataloader';
import type { Sql } from '@nexanest/db';
import { createFxTable, type FxQuote, type FxTable } from './domain/fx.ts';
import type { LatestPriceState } from './domain/latest-price.ts';
import { asDate } from './db/values.ts';

export interface InstrumentRecord {
  symbol: string;
  name: string;
  exchange: string;
  assetClass: 'STOCK' | 'ETF' | 'INDEX' | 'CURRENCY';
  sector: string | null;
  country: string;
  currency: string;
}

export type LatestPriceRecord = LatestPriceState & { symbol: string };

export interface Loaders {
  /** Instruments by upper-case symbol; null for a symbol outside the universe. */
  instrument: DataLoader<string, InstrumentRecord | null>;
  /** Latest price rows by symbol; null before the first price. */
  latestPrice: DataLoader<string, LatestPriceRecord | null>;
  /** Latest FX quotes (time <= now) that involve a currency, keyed by currency. */
  fxQuotes: DataLoader<string, FxQuote[]>;
}

export interface LoaderDeps {
  sql: Sql;
  now?: () => Date;
}

const bySymbol = <T extends { symbol: string }>(keys: readonly string[], rows: readonly T[]) => {
  const found = new Map(rows.map((row) => [row.symbol, row]));
  return keys.map((key) => found.get(key) ?? null);
};

/** One statement per loader per tick of the event loop, whatever the number of keys. */
export function createLoaders(deps: LoaderDeps): Loaders {
  const { sql } = deps;
  return {
    instrument: new DataLoader(async (symbols) => {
      const rows = await sql<InstrumentRecord[]>`
        select symbol, name, exchange, asset_class as "assetClass", sector, country, currency
        from market_data.instruments where symbol = any(${symbols as string[]}::text[])`;
      return bySymbol(symbols, rows);
    }),
    latestPrice: new DataLoader(async (symbols) => {
      const rows = await sql<(Omit<LatestPriceRecord, 'time' | 'openTime'> & { time: Date | string; openTime: Date | string })[]>`
        select symbol, price, time, day::text as day, open, open_time as "openTime", high, low, volume, prev_close as "prevClose"
        from market_data.latest_prices where symbol = any(${symbols as string[]}::text[])`;
      return bySymbol(
        symbols,
        rows.map((row) => ({ ...row, time: asDate(row.time), openTime: asDate(row.openTime) })),
      );
    }),
    fxQuotes: new DataLoader(async (currencies) => {
      const now = (deps.now?.() ?? new Date()).toISOString();
      const rows = await sql<(Omit<FxQuote, 'time'> & { time: Date | string })[]>`
        select distinct on (base, quote) base, quote, rate, time
        from market_data.currency_rates
        where (base = any(${currencies as string[]}::text[]) or quote = any(${currencies as string[]}::text[])) and time <= ${now}::timestamptz
        order by base, quote, time desc`;
      const quotes: FxQuote[] = rows.map((row) => ({ ...row, time: asDate(row.time) }));
      return currencies.map((currency) => quotes.filter((row) => row.base === currency || row.quote === currency));
    }),
  };
}

/** An FX table covering `currencies` (and USD, for crosses) at the latest rates. */
export async function loadFxTable(loaders: Loaders, currencies: readonly string[]): Promise<FxTable> {
  const wanted = [...new Set([...currencies, 'USD'])];
  const quotes = await loaders.fxQuotes.loadMany(wanted);
  const usable = quotes.flatMap((entry) => {
    if (entry instanceof Error) throw entry;
    return entry;
  });
  return createFxTable(usable);
}
