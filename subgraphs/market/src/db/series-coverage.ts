import type { Sql } from '@nexanest/db';
import { asDate } from './values.ts';

/** What a stored series holds: its first and last observation, and the last value. */
export interface SeriesCoverage {
  first: Date;
  last: Date;
  lastValue: string;
}

type Row = { key: string; first: Date | string | null; last: Date | string | null; last_value: string | null };

const toMap = (rows: readonly Row[]) =>
  new Map(
    rows.flatMap((row) =>
      row.first && row.last && row.last_value ? [[row.key, { first: asDate(row.first), last: asDate(row.last), lastValue: row.last_value }] as const] : [],
    ),
  );

/**
 * First and last stored observation of each series: instrument prices, index levels and USD-based
 * FX rates. Two index probes per series (primary keys lead with the series key), so a check costs
 * milliseconds however long the history is. Series with no rows are absent from the maps.
 */
export async function readSeriesCoverage(
  sql: Sql,
  keys: { stocks: readonly string[]; indices: readonly string[]; usdQuotes: readonly string[] },
): Promise<{ stocks: Map<string, SeriesCoverage>; indices: Map<string, SeriesCoverage>; usdQuotes: Map<string, SeriesCoverage> }> {
  const [stocks, indices, usdQuotes] = await Promise.all([
    sql<Row[]>`
      select k as key, f.time as first, l.time as last, l.price::text as last_value
      from unnest(${keys.stocks as string[]}::text[]) as k
      left join lateral (select time from market_data.stock_prices where symbol = k order by time limit 1) f on true
      left join lateral (select time, price from market_data.stock_prices where symbol = k order by time desc limit 1) l on true`,
    sql<Row[]>`
      select k as key, f.time as first, l.time as last, l.value::text as last_value
      from unnest(${keys.indices as string[]}::text[]) as k
      left join lateral (select time from market_data.market_indices where symbol = k order by time limit 1) f on true
      left join lateral (select time, value from market_data.market_indices where symbol = k order by time desc limit 1) l on true`,
    sql<Row[]>`
      select k as key, f.time as first, l.time as last, l.rate::text as last_value
      from unnest(${keys.usdQuotes as string[]}::text[]) as k
      left join lateral (select time from market_data.currency_rates where base = 'USD' and quote = k order by time limit 1) f on true
      left join lateral (select time, rate from market_data.currency_rates where base = 'USD' and quote = k order by time desc limit 1) l on true`,
  ]);
  return { stocks: toMap(stocks), indices: toMap(indices), usdQuotes: toMap(usdQuotes) };
}
