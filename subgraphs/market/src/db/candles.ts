import type { Sql } from '@nexanest/db';
import { asDate } from './values.ts';
import { assertCandleRange, CANDLE_TABLES, type CandleInterval } from '../domain/candles.ts';

export interface CandleRow {
  time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * Candles whose bucket starts in [from, to), oldest first, read from the rollups (rollup tables,
 * or continuous aggregates on TimescaleDB): never aggregated from raw ticks at query time.
 */
export async function listCandles(sql: Sql, symbol: string, interval: CandleInterval, from: Date, to: Date): Promise<CandleRow[]> {
  assertCandleRange(interval, from, to);
  const rows = await sql<(Omit<CandleRow, 'time'> & { time: Date | string })[]>`
    select bucket as time, open, high, low, close, volume
    from ${sql(`market_data.${CANDLE_TABLES[interval]}`)}
    where symbol = ${symbol} and bucket >= ${from.toISOString()}::timestamptz and bucket < ${to.toISOString()}::timestamptz
    order by bucket`;
  return rows.map((row) => ({ ...row, time: asDate(row.time) }));
}
