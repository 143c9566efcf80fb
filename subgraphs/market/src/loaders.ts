import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Sql } from '@nexanest/db';
import { createFxTable, type FxQuote, type FxTable } from './domain/fx.ts';
import { readLatestFxQuotes } from './db/latest-fx-quotes.ts';
import type { LatestPriceState } from './domain/latest-price.ts';
import { asDate } from './db/values.ts';
import type { LatestPriceCache, RevisedLatestPrice } from './cache/latest-price-cache.ts';

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
  /**
   * FX tables at the latest rates (time <= now) by their currencies (sorted, comma-joined, USD
   * included): a request values each holding in the same few currencies, so it builds each table
   * once, not once per field.
   */
  fxTable: DataLoader<string, FxTable>;
}

export interface LoaderDeps {
  sql: Sql;
  now?: () => Date;
  /** Redis copy of latest prices; without it every read goes to the database. */
  latestPriceCache?: LatestPriceCache | null;
  /** The process's copy of instruments already read (`createInstrumentCache`); without it every read goes to the database. */
  instruments?: InstrumentCache | null;
}

/**
 * Instruments are reference data: written when a market process boots (the universe in
 * data/instruments.json, upserted) and read by nearly every request. A process keeps those it has
 * read for a minute, so a rename by another replica's boot shows within that; a symbol the
 * database did not have is asked again every time (it may be added), so the cache never holds
 * more than the universe, whatever symbols callers invent.
 */
export type InstrumentCache = LRUCache<string, InstrumentRecord>;

export const INSTRUMENT_CACHE_TTL_MS = 60_000;

export const createInstrumentCache = (ttlMs = INSTRUMENT_CACHE_TTL_MS): InstrumentCache => new LRUCache({ max: 10_000, ttl: ttlMs });

const bySymbol = <T extends { symbol: string }>(keys: readonly string[], rows: readonly T[]) => {
  const found = new Map(rows.map((row) => [row.symbol, row]));
  return keys.map((key) => found.get(key) ?? null);
};

/** At most one statement per loader per tick of the event loop, whatever the number of keys. */
export function createLoaders(deps: LoaderDeps): Loaders {
  const { sql } = deps;
  /** This request's FX quotes by `BASE/QUOTE`, read or being read; null for a pair without a rate. */
  const pairQuotes = new Map<string, Promise<FxQuote | null>>();
  return {
    instrument: new DataLoader(async (symbols) => {
      const known: InstrumentRecord[] = [];
      const missing: string[] = [];
      for (const symbol of symbols) {
        const hit = deps.instruments?.get(symbol);
        if (hit) known.push(hit);
        else missing.push(symbol);
      }
      const rows =
        missing.length === 0
          ? []
          : await sql<InstrumentRecord[]>`
              select symbol, name, exchange, asset_class as "assetClass", sector, country, currency
              from market_data.instruments where symbol = any(${missing}::text[])`;
      for (const row of rows) deps.instruments?.set(row.symbol, row);
      return bySymbol(symbols, [...known, ...rows]);
    }),
    // Cache-aside: Redis first, the database for what it lacks, and what the database had goes
    // back to Redis (unless an ingest wrote a newer revision meanwhile).
    latestPrice: new DataLoader(async (symbols) => {
      const cache = deps.latestPriceCache;
      const cached = cache ? await cache.getMany(symbols) : new Map<string, RevisedLatestPrice>();
      const missing = symbols.filter((symbol) => !cached.has(symbol));
      const loaded = missing.length > 0 ? await readLatestPrices(sql, missing) : [];
      if (cache && loaded.length > 0) await cache.putMany(loaded);
      return bySymbol(symbols, [...cached.values(), ...loaded]);
    }),
    // Every table a request asks for in one tick, from at most one statement: the latest rate of
    // each ordered pair within each set (a table converts only between the currencies it was asked
    // for, USD included, so it needs no pair that leaves its set). A pair read once serves every
    // later table of the request (valuations ask for their sets in several ticks), so a request
    // reads FX again only for a pair it has not met yet.
    fxTable: new DataLoader(async (keys) => {
      const sets = keys.map((key) => key.split(','));
      const pairsOf = (set: readonly string[]) => set.flatMap((base) => set.filter((quote) => quote !== base).map((quote) => `${base}/${quote}`));
      const unread = [...new Set(sets.flatMap(pairsOf))].filter((pair) => !pairQuotes.has(pair));
      if (unread.length > 0) {
        const read = readLatestFxQuotes(
          sql,
          unread.map((pair) => pair.split('/') as [string, string]),
          deps.now?.() ?? new Date(),
        );
        for (const pair of unread)
          pairQuotes.set(
            pair,
            read.then((quotes) => quotes.find((quote) => `${quote.base}/${quote.quote}` === pair) ?? null),
          );
      }
      return Promise.all(
        sets.map(async (set) => {
          const quotes = await Promise.all(pairsOf(set).map((pair) => pairQuotes.get(pair) as Promise<FxQuote | null>));
          return createFxTable(quotes.filter((quote): quote is FxQuote => quote !== null));
        }),
      );
    }),
  };
}

/** latest_prices rows of `symbols`, with their revisions. */
export async function readLatestPrices(sql: Sql, symbols: readonly string[]): Promise<RevisedLatestPrice[]> {
  const rows = await sql<(Omit<RevisedLatestPrice, 'time' | 'openTime' | 'revision'> & { time: Date | string; openTime: Date | string; revision: string })[]>`
    select symbol, price, time, day::text as day, open, open_time as "openTime", high, low, volume, prev_close as "prevClose",
           revision::text as revision
    from market_data.latest_prices where symbol = any(${symbols as string[]}::text[])`;
  return rows.map((row) => ({ ...row, time: asDate(row.time), openTime: asDate(row.openTime), revision: Number(row.revision) }));
}

/** An FX table covering `currencies` (and USD, for crosses) at the latest rates. */
export function loadFxTable(loaders: Loaders, currencies: readonly string[]): Promise<FxTable> {
  return loaders.fxTable.load([...new Set([...currencies, 'USD'])].sort().join(','));
}
