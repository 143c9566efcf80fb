import type postgres from 'postgres';
import { CANDLE_INTERVALS, CANDLE_TABLES, type CandleInterval } from '../domain/candles.ts';
import type { StoredTick } from '../domain/latest-price.ts';

type Queryable = postgres.TransactionSql | postgres.Sql;

/**
 * Folds newly stored ticks into the four rollup tables (plain PostgreSQL only; TimescaleDB keeps
 * continuous aggregates instead). One statement: the batch is grouped per (symbol, bucket) and
 * merged into the stored bucket, so the result does not depend on the order ticks arrive in:
 * open is the price of the earliest tick, close of the latest, high/low the extremes, volume and
 * tick count the sums. Only ticks that were actually inserted may be passed (a repeat of a
 * stored (symbol, time) must not count twice); the caller holds the per-symbol ingest lock.
 */
export async function rollUpCandles(tx: Queryable, ticks: readonly StoredTick[]): Promise<void> {
  if (ticks.length === 0) return;
  const upsert = (interval: CandleInterval) => tx`
    ${tx(`u_${CANDLE_TABLES[interval]}`)} as (
      insert into ${tx(`market_data.${CANDLE_TABLES[interval]}`)} as c (symbol, bucket, open, open_time, high, low, close, close_time, volume, ticks)
      select symbol, date_bin(${CANDLE_INTERVALS[interval].sql}::interval, time, timestamptz '1970-01-01 00:00:00+00'),
             (array_agg(price order by time))[1], min(time), max(price), min(price),
             (array_agg(price order by time desc))[1], max(time), sum(volume), count(*)
      from batch group by 1, 2 order by 1, 2
      on conflict (symbol, bucket) do update set
        open = case when excluded.open_time < c.open_time then excluded.open else c.open end,
        open_time = least(c.open_time, excluded.open_time),
        high = greatest(c.high, excluded.high),
        low = least(c.low, excluded.low),
        close = case when excluded.close_time > c.close_time then excluded.close else c.close end,
        close_time = greatest(c.close_time, excluded.close_time),
        volume = c.volume + excluded.volume,
        ticks = c.ticks + excluded.ticks)`;
  await tx`
    with batch as (
      select symbol, time::timestamptz as time, price::numeric as price, coalesce(volume::numeric, 0) as volume
      from unnest(${ticks.map((t) => t.symbol)}::text[], ${ticks.map((t) => t.time.toISOString())}::text[],
                  ${ticks.map((t) => t.price)}::text[], ${ticks.map((t) => t.volume) as string[]}::text[]) as u(symbol, time, price, volume)),
    ${upsert('ONE_MINUTE')}, ${upsert('FIVE_MINUTES')}, ${upsert('ONE_HOUR')}, ${upsert('ONE_DAY')}
    select 1`;
}
