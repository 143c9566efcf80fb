import type { Sql } from '@nexanest/db';
import { asDate } from './values.ts';
import { assertCandleRange, CANDLE_INTERVALS, type CandleInterval } from '../domain/candles.ts';

export interface CandleRow {
  time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** OHLCV buckets aligned to UTC (the epoch origin), computed in the database, oldest first. */
export async function listCandles(sql: Sql, symbol: string, interval: CandleInterval, from: Date, to: Date): Promise<CandleRow[]> {
  assertCandleRange(interval, from, to);
  const rows = await sql<(Omit<CandleRow, 'time'> & { time: Date | string })[]>`
    select date_bin(${CANDLE_INTERVALS[interval].sql}::interval, time, timestamptz '1970-01-01 00:00:00+00') as time,
           (array_agg(price order by time asc))[1] as open,
           max(price) as high,
           min(price) as low,
           (array_agg(price order by time desc))[1] as close,
           coalesce(sum(volume), 0) as volume
    from market_data.stock_prices
    where symbol = ${symbol} and time >= ${from.toISOString()}::timestamptz and time < ${to.toISOString()}::timestamptz
    group by 1
    order by 1`;
  return rows.map((row) => ({ ...row, time: asDate(row.time) }));
}
