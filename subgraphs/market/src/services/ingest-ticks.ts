import type { Bus } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { Sql } from '@nexanest/db';
import { badInput } from '@nexanest/graphql';
import { asDate } from '../db/values.ts';
import { ensureStockPricePartitions, type PartitionCache } from '../db/partitions.ts';
import { lockLatestPrices, saveLatestPrices } from '../db/latest-prices.ts';
import { mergeLatestPrice, priceChange, utcDay, type LatestPriceState, type StoredTick } from '../domain/latest-price.ts';
import { validateTicks, type TickInput, type TickRejection } from '../domain/tick-validation.ts';

export const MAX_TICKS_PER_CALL = 5000;

export interface IngestDeps {
  sql: Sql;
  bus: Bus;
  /** Months with a stock_prices partition, shared by every ingest of this process. */
  partitions: PartitionCache;
  now?: () => Date;
  logger?: Logger;
}

export interface IngestResult {
  accepted: number;
  rejected: TickRejection[];
}

/** What subscribers of `prices:<SYMBOL>` receive. Decimals stay strings. */
export interface PublishedTick {
  symbol: string;
  price: string;
  time: string;
  volume: string | null;
  changePercent: number | null;
}

export type Ingest = (ticks: readonly TickInput[]) => Promise<IngestResult>;

export const priceChannel = (symbol: string) => `prices:${symbol}`;

/**
 * Validates, stores and publishes a batch of ticks. Storage is one transaction (ticks plus
 * latest prices); a repeat of a stored (symbol, time) is accepted and changes nothing. Ticks
 * are published only after COMMIT, so a subscriber never sees a price the database lacks.
 */
export async function ingestTicks(deps: IngestDeps, ticks: readonly TickInput[]): Promise<IngestResult> {
  if (ticks.length > MAX_TICKS_PER_CALL) throw badInput(`At most ${MAX_TICKS_PER_CALL} ticks per call`, 'ticks');
  if (ticks.length === 0) return { accepted: 0, rejected: [] };
  const now = deps.now?.() ?? new Date();
  const symbols = [...new Set(ticks.map((tick) => tick.symbol.toUpperCase()))];
  const known = await deps.sql<{ symbol: string; assetClass: 'STOCK' | 'ETF' | 'INDEX' | 'CURRENCY' }[]>`
    select symbol, asset_class as "assetClass" from market_data.instruments where symbol = any(${symbols}::text[])`;
  const { valid, rejected } = validateTicks(ticks, new Map(known.map((row) => [row.symbol, row.assetClass])), now);
  if (valid.length === 0) return { accepted: 0, rejected };

  const { stored, latest, months } = await deps.sql.begin(async (tx) => {
    const months = await ensureStockPricePartitions(
      tx,
      deps.partitions,
      valid.map((tick) => tick.time),
    );
    const inserted = await tx<(Omit<StoredTick, 'time'> & { time: Date | string })[]>`
      insert into market_data.stock_prices (symbol, time, price, volume)
      select symbol, time::timestamptz, price::numeric, volume::numeric
      from unnest(${valid.map((t) => t.symbol)}::text[], ${valid.map((t) => t.time.toISOString())}::text[],
                  ${valid.map((t) => t.price)}::text[], ${valid.map((t) => t.volume) as string[]}::text[]) as u(symbol, time, price, volume)
      on conflict (symbol, time) do nothing
      returning symbol, time, price, volume`;
    const stored: StoredTick[] = inserted.map((row) => ({ ...row, time: asDate(row.time) }));
    const touched = [...new Set(stored.map((tick) => tick.symbol))].sort();
    if (touched.length === 0) return { stored, latest: new Map<string, LatestPriceState>(), months };
    // Rows are locked in symbol order, so concurrent ingests cannot deadlock on latest_prices.
    // The advisory locks also cover a symbol's first tick, when there is no row to lock yet.
    await tx`select pg_advisory_xact_lock(hashtext('market_data.latest_prices:' || s)) from unnest(${touched}::text[]) with ordinality as u(s, n) order by n`;
    const existing = await lockLatestPrices(tx, touched);
    const latest = new Map<string, LatestPriceState>();
    for (const symbol of touched) {
      const merged = mergeLatestPrice(
        existing.get(symbol) ?? null,
        stored.filter((tick) => tick.symbol === symbol),
      );
      if (merged) latest.set(symbol, merged);
    }
    await saveLatestPrices(tx, latest);
    return { stored: [...stored], latest, months };
  });
  for (const month of months) deps.partitions.add(month);

  // Repeats were stored before and already published; only new ticks go out.
  const ordered = [...stored].sort((a, b) => a.time.getTime() - b.time.getTime());
  // The ticks are stored: a bus failure must not fail the call (a retry would find them stored
  // and publish nothing). Subscribers miss them; the failure is logged.
  const published = await Promise.allSettled(
    ordered.map((tick) => deps.bus.publish(priceChannel(tick.symbol), JSON.stringify(publishedTick(tick, latest.get(tick.symbol))))),
  );
  const failures = published.filter((outcome) => outcome.status === 'rejected');
  if (failures.length > 0)
    deps.logger?.error({ err: (failures[0] as PromiseRejectedResult).reason, failed: failures.length }, 'stored ticks could not be published');
  return { accepted: valid.length, rejected };
}

function publishedTick(tick: StoredTick, latest: LatestPriceState | undefined): PublishedTick {
  const sameDay = latest && latest.day === utcDay(tick.time);
  return {
    symbol: tick.symbol,
    price: tick.price,
    time: tick.time.toISOString(),
    volume: tick.volume,
    changePercent: sameDay ? priceChange(tick.price, latest.prevClose).changePercent : null,
  };
}

/** Binds the ingest to its dependencies, for the resolver, the simulator and feeds. */
export const createIngest =
  (deps: IngestDeps): Ingest =>
  (ticks) =>
    ingestTicks(deps, ticks);
