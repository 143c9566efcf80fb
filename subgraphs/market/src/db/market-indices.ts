import type { Sql } from '@nexanest/db';
import { asDate } from './values.ts';

export interface IndexLevelRow {
  symbol: string;
  name: string;
  value: string;
  time: Date;
  /** Close of the last daily candle before the level's UTC day; null without one. */
  prevClose: string | null;
}

/**
 * The latest level of every index of the universe, from the market_indices time series, and the
 * previous day's close from the daily candles (which outlive raw-tick retention). Indices without
 * a level are left out.
 */
export async function listIndexLevels(sql: Sql): Promise<IndexLevelRow[]> {
  const rows = await sql<(Omit<IndexLevelRow, 'time'> & { time: Date | string })[]>`
    select i.symbol, i.name, l.value, l.time, p.close as "prevClose"
    from market_data.instruments i
    cross join lateral (
      select m.value, m.time from market_data.market_indices m where m.symbol = i.symbol order by m.time desc limit 1) l
    left join lateral (
      select c.close from market_data.candles_1d c
      where c.symbol = i.symbol and c.bucket < date_bin(interval '1 day', l.time, timestamptz '1970-01-01 00:00:00+00')
      order by c.bucket desc limit 1) p on true
    where i.asset_class = 'INDEX'
    order by i.symbol`;
  return rows.map((row) => ({ ...row, time: asDate(row.time) }));
}
