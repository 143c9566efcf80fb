import type { Sql } from '@nexanest/db';
import { FX_HISTORY_PATH, InternalBadRequest, mountInternalRoute, type HttpApp, type Logger } from '@nexanest/graphql';
import { createFxTable, type FxQuote } from '../domain/fx.ts';

const DAY_MS = 86_400_000;
/** A rate older than this at the end of a day does not value that day (weekends and holidays fit). */
export const FX_STALE_DAYS = 7;
const MAX_DAYS = 5_000;
const MAX_PAIRS = 20;
const CURRENCY = /^[A-Z]{3}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface FxHistoryRequest {
  pairs: { from: string; to: string }[];
  fromDay: string;
  toDay: string;
}

/** `rates["EUR/USD"]["2025-01-02"]`: units of USD per EUR at the end of that UTC day, or null without a rate. */
export type FxHistory = Record<string, Record<string, string | null>>;

function parse(body: unknown): FxHistoryRequest {
  const { pairs, fromDay, toDay } = (body ?? {}) as Partial<FxHistoryRequest>;
  if (!Array.isArray(pairs) || pairs.length === 0 || pairs.length > MAX_PAIRS) throw new InternalBadRequest();
  for (const pair of pairs) if (!pair || !CURRENCY.test(String(pair.from)) || !CURRENCY.test(String(pair.to))) throw new InternalBadRequest();
  if (typeof fromDay !== 'string' || typeof toDay !== 'string' || !DAY.test(fromDay) || !DAY.test(toDay)) throw new InternalBadRequest();
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Date.parse(`${toDay}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from || (to - from) / DAY_MS > MAX_DAYS) throw new InternalBadRequest();
  return { pairs, fromDay, toDay };
}

/**
 * Daily rates for each pair from fromDay to toDay: for each UTC day, the latest observation of
 * every stored pair at or before the day's end (no older than FX_STALE_DAYS), then the same lookup
 * as `fxRate` (direct, inverse, through USD: createFxTable). Null where there is no route that day.
 */
export async function readFxHistory(sql: Sql, request: FxHistoryRequest): Promise<FxHistory> {
  const currencies = [...new Set(request.pairs.flatMap((pair) => [pair.from, pair.to]).concat('USD'))];
  const start = new Date(Date.parse(`${request.fromDay}T00:00:00Z`) - FX_STALE_DAYS * DAY_MS);
  const end = Date.parse(`${request.toDay}T00:00:00Z`) + DAY_MS;
  const rows = await sql<{ base: string; quote: string; rate: string; time: string | Date }[]>`
    select base, quote, rate::text as rate, time from market_data.currency_rates
    where base = any(${currencies}::text[]) and quote = any(${currencies}::text[])
      and time >= ${start.toISOString()}::timestamptz and time < ${new Date(end).toISOString()}::timestamptz
    order by time`;
  const history: FxHistory = Object.fromEntries(request.pairs.map((pair) => [`${pair.from}/${pair.to}`, {}]));
  const latest = new Map<string, FxQuote & { time: Date }>();
  let next = 0;
  for (let dayStart = Date.parse(`${request.fromDay}T00:00:00Z`); dayStart < end; dayStart += DAY_MS) {
    const dayEnd = dayStart + DAY_MS;
    for (; next < rows.length && new Date(rows[next]!.time).getTime() < dayEnd; next++) {
      const row = rows[next]!;
      latest.set(`${row.base}/${row.quote}`, { base: row.base, quote: row.quote, rate: row.rate, time: new Date(row.time) });
    }
    const fresh = [...latest.values()].filter((quote) => quote.time.getTime() > dayEnd - FX_STALE_DAYS * DAY_MS);
    const table = createFxTable(fresh);
    const day = new Date(dayStart).toISOString().slice(0, 10);
    for (const pair of request.pairs) {
      let rate: string | null = null;
      try {
        rate = table.rate(pair.from, pair.to).toString();
      } catch {
        rate = null; // no route that day: the caller decides (analytics refuses to value the day)
      }
      (history[`${pair.from}/${pair.to}`] as Record<string, string | null>)[day] = rate;
    }
  }
  return history;
}

/** FX_HISTORY_PATH: historical daily rates for the analytics snapshot builder and benchmark returns. */
export function mountFxHistoryRoute(app: HttpApp, deps: { sql: Sql; secret: string; logger: Logger }): void {
  mountInternalRoute(app, FX_HISTORY_PATH, { secret: deps.secret, logger: deps.logger }, async (body) => ({
    rates: await readFxHistory(deps.sql, parse(body)),
  }));
}
