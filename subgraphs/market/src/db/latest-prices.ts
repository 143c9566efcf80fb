import type postgres from 'postgres';
import type { LatestPriceState } from '../domain/latest-price.ts';
import { asDate } from './values.ts';

type Queryable = postgres.TransactionSql | postgres.Sql;

interface LatestRow {
  symbol: string;
  price: string;
  time: Date | string;
  day: string;
  open: string;
  open_time: Date | string;
  high: string;
  low: string;
  volume: string | null;
  prev_close: string | null;
}

/** Reads and row-locks the latest prices of `symbols`, for a merge in the same transaction. */
export async function lockLatestPrices(tx: Queryable, symbols: readonly string[]): Promise<Map<string, LatestPriceState>> {
  const rows = await tx<LatestRow[]>`
    select symbol, price, time, day::text as day, open, open_time, high, low, volume, prev_close
    from market_data.latest_prices where symbol = any(${symbols as string[]}::text[]) for update`;
  return new Map(
    rows.map((row) => [
      row.symbol,
      {
        price: row.price,
        time: asDate(row.time),
        day: row.day,
        open: row.open,
        openTime: asDate(row.open_time),
        high: row.high,
        low: row.low,
        volume: row.volume,
        prevClose: row.prev_close,
      },
    ]),
  );
}

/**
 * Writes merged latest prices in one statement; returns each symbol's new revision. The revision
 * grows on every write (the writing clock in microseconds, at least one more than before): writes
 * of a symbol are serialized by the ingest lock, so it only ever grows, and a database recreated
 * later still outranks what an older one left in Redis.
 */
export async function saveLatestPrices(tx: Queryable, states: ReadonlyMap<string, LatestPriceState>): Promise<Map<string, number>> {
  if (states.size === 0) return new Map();
  const entries = [...states];
  const col = (pick: (state: LatestPriceState) => string | null) => entries.map(([, state]) => pick(state)) as string[];
  const rows = await tx<{ symbol: string; revision: string }[]>`
    insert into market_data.latest_prices (symbol, price, time, day, open, open_time, high, low, volume, prev_close, revision)
    select symbol, price::numeric, time::timestamptz, day::date, open::numeric, open_time::timestamptz,
           high::numeric, low::numeric, volume::numeric, prev_close::numeric, (extract(epoch from clock_timestamp()) * 1000000)::bigint
    from unnest(
      ${entries.map(([symbol]) => symbol)}::text[], ${col((s) => s.price)}::text[], ${col((s) => s.time.toISOString())}::text[],
      ${col((s) => s.day)}::text[], ${col((s) => s.open)}::text[], ${col((s) => s.openTime.toISOString())}::text[],
      ${col((s) => s.high)}::text[], ${col((s) => s.low)}::text[], ${col((s) => s.volume)}::text[], ${col((s) => s.prevClose)}::text[])
      as u(symbol, price, time, day, open, open_time, high, low, volume, prev_close)
    on conflict (symbol) do update set
      price = excluded.price, time = excluded.time, day = excluded.day, open = excluded.open, open_time = excluded.open_time,
      high = excluded.high, low = excluded.low, volume = excluded.volume, prev_close = excluded.prev_close,
      revision = greatest(latest_prices.revision + 1, (extract(epoch from clock_timestamp()) * 1000000)::bigint)
    returning symbol, revision::text as revision`;
  return new Map(rows.map((row) => [row.symbol, Number(row.revision)]));
}

/**
 * Rebuilds latest prices of `symbols` from the time series (after a bulk load, where merging
 * tick by tick would be wasteful): last price, its UTC day's range, and the close before that day.
 */
export async function rebuildLatestPrices(sql: Queryable, symbols: readonly string[]): Promise<void> {
  await sql`
    with series as (
      select symbol, time, price, volume from market_data.stock_prices where symbol = any(${symbols as string[]}::text[])
      union all
      select symbol, time, value, null from market_data.market_indices where symbol = any(${symbols as string[]}::text[]))
    insert into market_data.latest_prices (symbol, price, time, day, open, open_time, high, low, volume, prev_close, revision)
    select i.symbol, l.price, l.time, l.day, d.open, d.open_time, d.high, d.low, d.volume, p.price, (extract(epoch from clock_timestamp()) * 1000000)::bigint
    from market_data.instruments i
    cross join lateral (
      select s.price, s.time, (s.time at time zone 'UTC')::date as day
      from series s where s.symbol = i.symbol order by s.time desc limit 1) l
    cross join lateral (
      select (array_agg(s.price order by s.time))[1] as open, min(s.time) as open_time,
             max(s.price) as high, min(s.price) as low, sum(s.volume) as volume
      from series s
      where s.symbol = i.symbol and s.time >= (l.day::timestamp at time zone 'UTC')
        and s.time < ((l.day + 1)::timestamp at time zone 'UTC')) d
    left join lateral (
      select s.price from series s
      where s.symbol = i.symbol and s.time < (l.day::timestamp at time zone 'UTC') order by s.time desc limit 1) p on true
    where i.symbol = any(${symbols as string[]}::text[])
    on conflict (symbol) do update set
      price = excluded.price, time = excluded.time, day = excluded.day, open = excluded.open, open_time = excluded.open_time,
      high = excluded.high, low = excluded.low, volume = excluded.volume, prev_close = excluded.prev_close,
      revision = greatest(latest_prices.revision + 1, (extract(epoch from clock_timestamp()) * 1000000)::bigint)`;
}
