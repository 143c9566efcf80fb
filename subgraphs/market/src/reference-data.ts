import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Sql } from '@nexanest/db';

const instrumentSchema = z.object({
  symbol: z.string().regex(/^[A-Z0-9^.]{1,12}$/),
  name: z.string().min(1),
  exchange: z.string().min(1),
  assetClass: z.enum(['STOCK', 'ETF', 'INDEX', 'CURRENCY']),
  sector: z.string().nullable(),
  country: z.string().length(2),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Starting point of the development price history; not stored. */
  demoPrice: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
});

const fileSchema = z.object({ version: z.string(), instruments: z.array(instrumentSchema).min(1) });

export type InstrumentData = z.infer<typeof instrumentSchema>;

const DATA_FILE = new URL('../data/instruments.json', import.meta.url);

let cached: InstrumentData[] | undefined;

/** The versioned reference universe shipped in data/instruments.json. */
export function listReferenceInstruments(): InstrumentData[] {
  cached ??= fileSchema.parse(JSON.parse(readFileSync(DATA_FILE, 'utf8'))).instruments;
  return cached;
}

/** Upserts the universe in one statement, so a changed name or sector lands on the next boot. */
export async function loadReferenceInstruments(sql: Sql): Promise<number> {
  const rows = listReferenceInstruments();
  const column = <K extends keyof InstrumentData>(key: K) => rows.map((row) => row[key] ?? null) as string[];
  await sql`
    insert into market_data.instruments (symbol, name, exchange, asset_class, sector, country, currency)
    select symbol, name, exchange, asset_class::market_data.asset_class, sector, country, currency
    from unnest(${column('symbol')}::text[], ${column('name')}::text[], ${column('exchange')}::text[],
                ${column('assetClass')}::text[], ${column('sector')}::text[], ${column('country')}::text[],
                ${column('currency')}::text[])
      as t(symbol, name, exchange, asset_class, sector, country, currency)
    on conflict (symbol) do update set
      name = excluded.name, exchange = excluded.exchange, asset_class = excluded.asset_class,
      sector = excluded.sector, country = excluded.country, currency = excluded.currency`;
  return rows.length;
}
