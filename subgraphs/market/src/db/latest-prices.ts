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
 * CTEs that fold the ticks this statement inserted, through their `minute_candles`
 * (minuteCandlesCte: a minute never spans two UTC days), into latest_prices, set-based, with the rule of `mergeLatestPrice` (domain/latest-price.ts; a test
 * holds the two to the same results): per symbol, the batch's last UTC day D decides. A stored
 * row of a later day is kept as it is; one of day D takes the day's ticks (the price moves only
 * for a tick at or after its time, the open only for one before its open, the range widens,
 * volumes add); otherwise day D starts afresh from its ticks, and the previous close is the
 * price of the latest tick before D, or the stored price when that is later. Volume sums drop
 * trailing zeros, as the decimal library's toFixed() does. Every touched row is written again
 * with a new revision (see saveLatestPrices) and returned by the CTE `latest`. The stored rows
 * are row-locked (the caller holds the symbols' ingest locks). Goes after `minute_candles`.
 */
export function mergeLatestPricesCtes(tx: Queryable) {
  return tx`
    existing as (
      select symbol, price, time, day, open, open_time, high, low, volume, prev_close
      from market_data.latest_prices where symbol in (select symbol from minute_candles) for update),
    minute_days as (select *, (bucket at time zone 'UTC')::date as day from minute_candles),
    last_days as (select symbol, max(day) as day from minute_days group by symbol),
    batch_days as (
      select m.symbol, l.day,
             max(m.close_time) filter (where m.day = l.day) as last_time,
             (array_agg(m.close order by m.close_time desc) filter (where m.day = l.day))[1] as last_price,
             min(m.open_time) filter (where m.day = l.day) as first_time,
             (array_agg(m.open order by m.open_time) filter (where m.day = l.day))[1] as first_price,
             max(m.high) filter (where m.day = l.day) as high,
             min(m.low) filter (where m.day = l.day) as low,
             sum(m.quantity) filter (where m.day = l.day) as volume,
             max(m.close_time) filter (where m.day < l.day) as before_time,
             (array_agg(m.close order by m.close_time desc) filter (where m.day < l.day))[1] as before_price
      from minute_days m join last_days l on l.symbol = m.symbol group by m.symbol, l.day),
    merged as (
      select b.symbol,
             case k.kind when 'new' then b.last_price when 'same' then (case when b.last_time >= e.time then b.last_price else e.price end) else e.price end as price,
             case k.kind when 'new' then b.last_time when 'same' then greatest(e.time, b.last_time) else e.time end as time,
             case k.kind when 'new' then b.day else e.day end as day,
             case k.kind when 'new' then b.first_price when 'same' then (case when b.first_time < e.open_time then b.first_price else e.open end) else e.open end as open,
             case k.kind when 'new' then b.first_time when 'same' then least(e.open_time, b.first_time) else e.open_time end as open_time,
             case k.kind when 'new' then b.high when 'same' then greatest(e.high, b.high) else e.high end as high,
             case k.kind when 'new' then b.low when 'same' then least(e.low, b.low) else e.low end as low,
             case k.kind
               when 'new' then trim_scale(b.volume)
               when 'same' then (case when b.volume is null then e.volume when e.volume is null then trim_scale(b.volume) else trim_scale(e.volume + b.volume) end)
               else e.volume end as volume,
             case k.kind
               when 'new' then (case when e.symbol is null then b.before_price when b.before_time >= e.time then b.before_price else e.price end)
               else e.prev_close end as prev_close
      from batch_days b
      left join existing e on e.symbol = b.symbol
      cross join lateral (select case when e.symbol is null or e.day < b.day then 'new' when e.day = b.day then 'same' else 'kept' end as kind) k),
    latest as (
      insert into market_data.latest_prices (symbol, price, time, day, open, open_time, high, low, volume, prev_close, revision)
      select symbol, price, time, day, open, open_time, high, low, volume, prev_close, (extract(epoch from clock_timestamp()) * 1000000)::bigint
      from merged order by symbol
      on conflict (symbol) do update set
        price = excluded.price, time = excluded.time, day = excluded.day, open = excluded.open, open_time = excluded.open_time,
        high = excluded.high, low = excluded.low, volume = excluded.volume, prev_close = excluded.prev_close,
        revision = greatest(latest_prices.revision + 1, (extract(epoch from clock_timestamp()) * 1000000)::bigint)
      returning symbol, price, time, day, open, open_time, high, low, volume, prev_close, revision)`;
}

/** JSON of the rows of the CTE `latest`, in symbol order: decimals and the revision as strings, never JSON numbers. */
export const latestRowsJson = (tx: Queryable) => tx`
  select coalesce(json_agg(json_build_object(
    'symbol', symbol, 'price', price::text, 'time', time, 'day', day::text, 'open', open::text, 'openTime', open_time,
    'high', high::text, 'low', low::text, 'volume', volume::text, 'prevClose', prev_close::text, 'revision', revision::text) order by symbol), '[]')
  from latest`;

/** A row of `latestRowsJson`, as JSON.parse gives it. */
export interface LatestRowJson {
  symbol: string;
  price: string;
  time: string;
  day: string;
  open: string;
  openTime: string;
  high: string;
  low: string;
  volume: string | null;
  prevClose: string | null;
  revision: string;
}

/** A written latest-price row, keys in the order the cache has always stored them. */
export const revisedLatestPrice = (row: LatestRowJson) => ({
  price: row.price,
  time: asDate(row.time),
  day: row.day,
  open: row.open,
  openTime: asDate(row.openTime),
  high: row.high,
  low: row.low,
  volume: row.volume,
  prevClose: row.prevClose,
  revision: Number(row.revision),
  symbol: row.symbol,
});

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
