import type postgres from 'postgres';
import { CANDLE_INTERVALS, CANDLE_TABLES, type CandleInterval } from '../domain/candles.ts';

type Queryable = postgres.TransactionSql | postgres.Sql;

/**
 * CTE `minute_candles`: the ticks of a CTE named `stored` (symbol, time, price, volume: the ticks
 * this statement actually inserted) grouped per (symbol, UTC minute), with the candle's columns
 * and `quantity`, the volume sum that stays null when no tick had a volume (latest prices keep
 * that apart from 0). Goes right after the CTE `stored`; the rollups and the latest-price merge
 * read it, so neither goes through the 1,000 ticks of a batch again.
 */
export function minuteCandlesCte(tx: Queryable) {
  return tx`
    minute_candles as (
      select symbol, date_bin(${CANDLE_INTERVALS.ONE_MINUTE.sql}::interval, time, timestamptz '1970-01-01 00:00:00+00') as bucket,
             (array_agg(price order by time))[1] as open, min(time) as open_time, max(price) as high, min(price) as low,
             (array_agg(price order by time desc))[1] as close, max(time) as close_time,
             sum(coalesce(volume, 0)) as volume, count(*) as ticks, sum(volume) as quantity
      from stored group by 1, 2)`;
}

/**
 * CTEs that fold the batch's `minute_candles` (minuteCandlesCte) into the four rollup tables
 * (plain PostgreSQL only; TimescaleDB keeps continuous aggregates instead). The wider buckets are
 * built from those minutes (every width is a whole number of minutes from the
 * same origin), then each is merged into its stored bucket, so the result does not depend on
 * the order ticks arrive in: open is the price of the earliest tick, close of the latest,
 * high/low the extremes, volume and tick count the sums. Only inserted ticks may be folded (a
 * repeat of a stored (symbol, time) must not count twice); the caller holds the per-symbol
 * ingest lock. Goes after the CTE `minute_candles`.
 */
export function candleRollupCtes(tx: Queryable) {
  const upsert = (interval: CandleInterval, from: postgres.PendingQuery<postgres.Row[]>) => tx`
    ${tx(`u_${CANDLE_TABLES[interval]}`)} as (
      insert into ${tx(`market_data.${CANDLE_TABLES[interval]}`)} as c (symbol, bucket, open, open_time, high, low, close, close_time, volume, ticks)
      ${from}
      on conflict (symbol, bucket) do update set
        open = case when excluded.open_time < c.open_time then excluded.open else c.open end,
        open_time = least(c.open_time, excluded.open_time),
        high = greatest(c.high, excluded.high),
        low = least(c.low, excluded.low),
        close = case when excluded.close_time > c.close_time then excluded.close else c.close end,
        close_time = greatest(c.close_time, excluded.close_time),
        volume = c.volume + excluded.volume,
        ticks = c.ticks + excluded.ticks)`;
  const fromMinutes = tx`select symbol, bucket, open, open_time, high, low, close, close_time, volume, ticks from minute_candles order by symbol, bucket`;
  const wider = (interval: CandleInterval) => tx`
    select symbol, date_bin(${CANDLE_INTERVALS[interval].sql}::interval, bucket, timestamptz '1970-01-01 00:00:00+00'),
           (array_agg(open order by open_time))[1], min(open_time), max(high), min(low),
           (array_agg(close order by close_time desc))[1], max(close_time), sum(volume), sum(ticks)
    from minute_candles group by 1, 2 order by 1, 2`;
  return tx`${upsert('ONE_MINUTE', fromMinutes)}, ${upsert('FIVE_MINUTES', wider('FIVE_MINUTES'))},
    ${upsert('ONE_HOUR', wider('ONE_HOUR'))}, ${upsert('ONE_DAY', wider('ONE_DAY'))}`;
}
