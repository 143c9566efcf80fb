import type { Sql } from '@nexanest/db';
import { badInput } from '@nexanest/graphql';
import type { InstrumentRecord } from '../loaders.ts';

export const MAX_SEARCH_RESULTS = 50;
/** Longer than any symbol or instrument name; a longer text is refused before it reaches SQL. */
export const MAX_SEARCH_TEXT = 100;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Symbol or name contains the text; an exact symbol first, then symbol prefixes, then by symbol. */
export async function searchInstruments(sql: Sql, text: string, first: number): Promise<InstrumentRecord[]> {
  const query = text.trim();
  if (query.length === 0) return [];
  if (query.length > MAX_SEARCH_TEXT) throw badInput(`Search text is at most ${MAX_SEARCH_TEXT} characters`, 'query');
  const limit = Math.min(Math.max(first, 1), MAX_SEARCH_RESULTS);
  const contains = `%${escapeLike(query)}%`;
  const prefix = `${escapeLike(query)}%`;
  return sql<InstrumentRecord[]>`
    select symbol, name, exchange, asset_class as "assetClass", sector, country, currency
    from market_data.instruments
    where symbol ilike ${contains} or name ilike ${contains}
    order by symbol = upper(${query}) desc, symbol ilike ${prefix} desc, symbol
    limit ${limit}`;
}
