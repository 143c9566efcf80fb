import { type Bus, priceChannel } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { Sql } from '@nexanest/db';
import type postgres from 'postgres';
import { badInput } from '@nexanest/graphql';
import type { LatestPriceCache, RevisedLatestPrice } from '../cache/latest-price-cache.ts';
import { inPipelinedTransaction } from '../db/pipelined-transaction.ts';
import type { TimeSeriesStorage } from '../db/store-ticks.ts';
import { writeTickBatch } from '../db/write-tick-batch.ts';
import { changePercentOf } from '../domain/change-percent.ts';
import type { LatestPriceState, StoredTick } from '../domain/latest-price.ts';
import { validateTicks, type TickInput, type TickRejection, type ValidTick } from '../domain/tick-validation.ts';

export const MAX_TICKS_PER_CALL = 5000;

export interface IngestDeps {
  sql: Sql;
  bus: Bus;
  /** How the time series are stored, and the partitions this process has ensured. */
  storage: TimeSeriesStorage;
  /** Redis copy of latest prices, refreshed after each commit; null without Redis. */
  latestPriceCache?: LatestPriceCache | null;
  /** Raw ticks are kept this many days; older ticks are refused. null keeps them forever. */
  retentionDays?: number | null;
  /** How far ahead of our clock a tick's time may be, in ms (clock skew between feed and us). */
  futureToleranceMs?: number;
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

/** Runs inside the ingest transaction after the ticks are stored (the backfill's checkpoint). */
export type InTransaction = (tx: postgres.TransactionSql, result: IngestResult) => Promise<void>;

export interface IngestOptions {
  /** Extra writes that must commit or roll back with the ticks. */
  inTransaction?: InTransaction;
  /** false for history (a backfill): stored and cached, but not pushed to live subscribers. */
  publish?: boolean;
}

export type Ingest = (ticks: readonly TickInput[], options?: IngestOptions) => Promise<IngestResult>;

export { priceChannel };

const DAY_MS = 86_400_000;

/**
 * Validates, stores and publishes a batch of ticks. Storage is one transaction: the ticks, the
 * candle rollups and the latest prices. A repeat of a stored (symbol, time) is accepted and
 * changes nothing. After COMMIT, and only then, each new tick is published and the latest
 * prices go to Redis: a subscriber never sees a price the database lacks. Rejected ticks are
 * neither stored nor published.
 */
export async function ingestTicks(deps: IngestDeps, ticks: readonly TickInput[], options: IngestOptions = {}): Promise<IngestResult> {
  if (ticks.length > MAX_TICKS_PER_CALL) throw badInput(`At most ${MAX_TICKS_PER_CALL} ticks per call`, 'ticks');
  const now = deps.now?.() ?? new Date();
  const symbols = [...new Set(ticks.map((tick) => tick.symbol.toUpperCase()))];
  const known =
    symbols.length === 0
      ? []
      : await deps.sql<{ symbol: string; assetClass: 'STOCK' | 'ETF' | 'INDEX' | 'CURRENCY' }[]>`
    select symbol, asset_class as "assetClass" from market_data.instruments where symbol = any(${symbols}::text[])`;
  const { valid, rejected } = validateTicks(ticks, new Map(known.map((row) => [row.symbol, row.assetClass])), {
    now,
    ...(deps.futureToleranceMs !== undefined ? { futureToleranceMs: deps.futureToleranceMs } : {}),
    oldestAccepted: deps.retentionDays ? new Date(now.getTime() - deps.retentionDays * DAY_MS) : null,
  });
  const result: IngestResult = { accepted: valid.length, rejected };
  if (valid.length === 0 && !options.inTransaction) return result;

  const { inTransaction } = options;
  const publishing = options.publish !== false;
  const { inserted, latest, partitions } = inTransaction
    ? await deps.sql.begin(async (tx) => {
        const write = await writeTickBatch(tx, deps.storage, valid, { listInserted: publishing });
        await inTransaction(tx, result);
        return write;
      })
    : await inPipelinedTransaction(deps.sql, (tx) => writeTickBatch(tx, deps.storage, valid, { listInserted: publishing }));
  for (const entry of partitions) deps.storage.partitions.add(entry);

  await deps.latestPriceCache?.putMany(latest);
  if (publishing) await publish(deps, storedTicks(valid, inserted), new Map(latest.map((row) => [row.symbol, row])));
  return result;
}

/** The inserted ticks as stored, in the order the insert reported them: instrument prices, then index levels (without volume). */
function storedTicks(valid: readonly ValidTick[], inserted: readonly number[]): StoredTick[] {
  const picked = inserted.map((index) => valid[index] as ValidTick);
  return [...picked.filter((tick) => tick.series === 'stock'), ...picked.filter((tick) => tick.series === 'index')].map((tick) => ({
    symbol: tick.symbol,
    time: tick.time,
    price: tick.price,
    volume: tick.series === 'index' ? null : tick.volume,
  }));
}

async function publish(deps: IngestDeps, stored: readonly StoredTick[], latest: ReadonlyMap<string, Omit<RevisedLatestPrice, 'symbol'>>): Promise<void> {
  // Repeats were stored before and already published; only new ticks go out.
  const ordered = [...stored].sort((a, b) => a.time.getTime() - b.time.getTime());
  // The ticks are stored: a bus failure must not fail the call (a retry would find them stored
  // and publish nothing). Subscribers miss them; the failure is logged.
  const failures = await deps.bus.publishMany(
    ordered.map((tick) => ({ channel: priceChannel(tick.symbol), message: JSON.stringify(publishedTick(tick, latest.get(tick.symbol))) })),
  );
  if (failures.length > 0) deps.logger?.error({ err: failures[0], failed: failures.length }, 'stored ticks could not be published');
}

function publishedTick(tick: StoredTick, latest: LatestPriceState | undefined): PublishedTick {
  const time = tick.time.toISOString();
  // The UTC day of the tick is its ISO time's date (utcDay), taken from the string made anyway.
  const sameDay = latest && latest.day === time.slice(0, 10);
  return {
    symbol: tick.symbol,
    price: tick.price,
    time,
    volume: tick.volume,
    changePercent: sameDay ? changePercentOf(tick.price, latest.prevClose) : null,
  };
}

/** Binds the ingest to its dependencies, for the resolver, the simulator and feeds. */
export const createIngest =
  (deps: IngestDeps): Ingest =>
  (ticks, options) =>
    ingestTicks(deps, ticks, options);
