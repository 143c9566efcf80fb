import type { Sql } from '@nexanest/db';
import type { FxQuote } from '../domain/fx.ts';
import { asDate } from './values.ts';

/**
 * The latest rate at or before `now` of each (base, quote) pair asked for that has one: one index
 * probe per pair (newest partition first), however long the rate history is.
 */
export async function readLatestFxQuotes(sql: Sql, pairs: readonly (readonly [string, string])[], now: Date): Promise<FxQuote[]> {
  if (pairs.length === 0) return [];
  const rows = await sql<(Omit<FxQuote, 'time'> & { time: Date | string })[]>`
    select p.base, p.quote, r.rate, r.time
    from unnest(${pairs.map((pair) => pair[0])}::text[], ${pairs.map((pair) => pair[1])}::text[]) as p(base, quote)
    cross join lateral (
      select c.rate, c.time from market_data.currency_rates c
      where c.base = p.base and c.quote = p.quote and c.time <= ${now.toISOString()}::timestamptz
      order by c.time desc limit 1
    ) r`;
  return rows.map((row) => ({ ...row, time: asDate(row.time) }));
}
