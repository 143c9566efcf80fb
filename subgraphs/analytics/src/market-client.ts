import { LRUCache } from 'lru-cache';
import { FX_HISTORY_PATH, postInternal } from '@nexanest/graphql';

/** An instrument's daily closes (exact decimal strings) in its trading currency. */
export interface DailyCloses {
  symbol: string;
  currency: string;
  closes: { day: string; close: string }[];
}

/** What analytics reads from the market subgraph, always over HTTP, never from market's database. */
export interface MarketClient {
  /** Closes of the ONE_DAY candles from `fromDay` to `toDay` inclusive; null when the symbol is not in the universe. */
  dailyCloses(symbol: string, fromDay: string, toDay: string): Promise<DailyCloses | null>;
  /** Units of `quote` per unit of `base` at market's latest observation; null when market has no route. */
  latestFxRate(base: string, quote: string): Promise<string | null>;
  /**
   * Units of `to` per unit of `from` at the end of each UTC day from `fromDay` to `toDay`, from
   * market's signed FX_HISTORY_PATH (its rate history, triangulated through USD): `day -> rate`,
   * null on days without a rate. Needs `secret`.
   */
  fxHistory(from: string, to: string, fromDay: string, toDay: string): Promise<Map<string, string | null>>;
}

export interface MarketClientOptions {
  /** The market subgraph's own GraphQL endpoint (MARKET_SUBGRAPH_URL), not the gateway. */
  url: string;
  /** How long answers are reused across requests. Default 60 s: today's candle moves with live ticks. 0 turns the cache off. */
  cacheTtlMs?: number;
  /** Give up on market after this long. Default 5 s. */
  timeoutMs?: number;
  /** GATEWAY_IDENTITY_SECRET, which signs internal calls (fxHistory). */
  secret?: string;
  /** Defaults to the global fetch; tests wrap it to count the calls that reach market. */
  fetch?: typeof fetch;
}

/** Market could not be asked or answered with an error; surfaces as INTERNAL_SERVER_ERROR. */
export class MarketUnavailableError extends Error {
  readonly code = 'MARKET_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketUnavailableError';
  }
}

const CLOSES_QUERY = `query($s: ID!, $from: DateTime!, $to: DateTime!) {
  instrument(symbol: $s) { symbol currency candles(interval: ONE_DAY, from: $from, to: $to) { time close } }
}`;
const FX_QUERY = 'query($b: String!, $q: String!) { fxRate(base: $b, quote: $q) { rate } }';

/** Market answers at most 5000 candles per call; longer spans are asked in pieces. */
const MAX_DAYS_PER_CALL = 4000;
const DAY_MS = 86_400_000;

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Asks market's subgraph endpoint and keeps answers for a short TTL; concurrent requests for the
 * same key share one call (lru-cache's fetch). Failures are not cached.
 */
export function createMarketClient(options: MarketClientOptions): MarketClient {
  const ttl = options.cacheTtlMs ?? 60_000;
  const doFetch = options.fetch ?? fetch;

  async function post<T>(query: string, variables: Record<string, unknown>): Promise<GraphQLAnswer<T>> {
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new MarketUnavailableError(`market subgraph unreachable at ${options.url}`, { cause: error });
    }
    const body = (await response.json().catch(() => null)) as GraphQLAnswer<T> | null;
    if (!body) throw new MarketUnavailableError(`market subgraph answered ${response.status} without a body`);
    return body;
  }

  async function queryCloses(symbol: string, fromDay: string, toDay: string): Promise<DailyCloses | null> {
    const end = Date.parse(`${toDay}T00:00:00Z`) + DAY_MS;
    let result: DailyCloses | null = null;
    for (let from = Date.parse(`${fromDay}T00:00:00Z`); from < end; from += MAX_DAYS_PER_CALL * DAY_MS) {
      const to = Math.min(end, from + MAX_DAYS_PER_CALL * DAY_MS);
      type Answer = { instrument: { symbol: string; currency: string; candles: { time: string; close: string }[] } | null };
      const body = await post<Answer>(CLOSES_QUERY, { s: symbol, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      if (body.errors?.length || !body.data) throw new MarketUnavailableError(`market subgraph refused candles: ${body.errors?.[0]?.message ?? 'no data'}`);
      const instrument = body.data.instrument;
      if (!instrument) return null;
      result ??= { symbol: instrument.symbol, currency: instrument.currency, closes: [] };
      for (const candle of instrument.candles) result.closes.push({ day: candle.time.slice(0, 10), close: candle.close });
    }
    return result;
  }

  async function queryFx(base: string, quote: string): Promise<string | null> {
    const body = await post<{ fxRate: { rate: string } }>(FX_QUERY, { b: base, q: quote });
    if (body.errors?.some((error) => error.extensions?.code === 'NOT_FOUND')) return null;
    if (body.errors?.length || !body.data) throw new MarketUnavailableError(`market subgraph refused the FX rate: ${body.errors?.[0]?.message ?? 'no data'}`);
    return body.data.fxRate.rate;
  }

  async function queryFxHistory(from: string, to: string, fromDay: string, toDay: string): Promise<Map<string, string | null>> {
    if (!options.secret) throw new MarketUnavailableError('no secret to sign market FX history calls');
    const rates = new Map<string, string | null>();
    const end = Date.parse(`${toDay}T00:00:00Z`);
    for (let start = Date.parse(`${fromDay}T00:00:00Z`); start <= end; start += MAX_DAYS_PER_CALL * DAY_MS) {
      const last = Math.min(end, start + (MAX_DAYS_PER_CALL - 1) * DAY_MS);
      const body = { pairs: [{ from, to }], fromDay: new Date(start).toISOString().slice(0, 10), toDay: new Date(last).toISOString().slice(0, 10) };
      let answer: Awaited<ReturnType<typeof postInternal<{ rates: Record<string, Record<string, string | null>> }>>>;
      try {
        answer = await postInternal({
          service: 'market',
          graphqlUrl: options.url,
          path: FX_HISTORY_PATH,
          body,
          secret: options.secret,
          timeoutMs: options.timeoutMs ?? 5_000,
        });
      } catch (error) {
        throw new MarketUnavailableError('market FX history unavailable', { cause: error });
      }
      for (const [day, rate] of Object.entries(answer.body?.rates[`${from}/${to}`] ?? {})) rates.set(day, rate);
    }
    return rates;
  }

  const closes = cached(ttl, 500, (key) => {
    const [symbol, fromDay, toDay] = key.split('|') as [string, string, string];
    return queryCloses(symbol, fromDay, toDay);
  });
  const rates = cached(ttl, 200, (key) => {
    const [base, quote] = key.split('|') as [string, string];
    return queryFx(base, quote);
  });
  const fxHistories = cached(ttl, 200, (key) => {
    const [from, to, fromDay, toDay] = key.split('|') as [string, string, string, string];
    return queryFxHistory(from, to, fromDay, toDay);
  });
  return {
    dailyCloses: (symbol, fromDay, toDay) => closes(`${symbol}|${fromDay}|${toDay}`),
    latestFxRate: (base, quote) => rates(`${base}|${quote}`),
    fxHistory: (from, to, fromDay, toDay) => fxHistories(`${from}|${to}|${fromDay}|${toDay}`),
  };
}

/** `load` behind an LRU cache with a TTL (none when ttl is 0); callers of one key share one call in flight. */
function cached<V>(ttl: number, max: number, load: (key: string) => Promise<V>): (key: string) => Promise<V> {
  if (ttl <= 0) return load;
  // Values are wrapped because the cache cannot hold null ("no such symbol" is an answer too).
  const cache = new LRUCache<string, { value: V }>({ max, ttl, fetchMethod: async (key) => ({ value: await load(key) }) });
  return async (key) => {
    const hit = await cache.fetch(key);
    if (!hit) throw new MarketUnavailableError('market answer was evicted while in flight');
    return hit.value;
  };
}
