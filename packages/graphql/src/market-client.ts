import { LRUCache } from 'lru-cache';
import { postInternal } from './internal-call.ts';
import { FX_HISTORY_PATH } from './internal-signature.ts';

/** An instrument's reference data: that it exists, what it trades in, what it is. */
export interface MarketInstrument {
  symbol: string;
  currency: string;
  assetClass: string;
}

/** An instrument and its latest price (null before the first price). */
export interface MarketQuote {
  symbol: string;
  latestPrice: { price: string; time: string } | null;
}

/** An instrument's daily closes (exact decimal strings) in its trading currency. */
export interface DailyCloses {
  symbol: string;
  currency: string;
  closes: { day: string; close: string }[];
}

/** A goal as market's Goal entity needs it (the fields its @requires names): what portfolio knows. */
export interface GoalFacts {
  id: string;
  targetAmount: { amount: string; currency: string };
  portfolio: { baseCurrency: string; holdings: { symbol: string; quantity: string }[]; cashBalances: { amount: string; currency: string }[] };
}

/**
 * The market subgraph as other subgraphs ask it: over HTTP at its own GraphQL endpoint, never
 * through its database. Each method answers null when market has no such thing, and throws
 * MarketUnavailableError when market cannot answer.
 */
export interface MarketClient {
  /** Reference data of a symbol in market's universe. Cached (cacheTtlMs). */
  findInstrument(symbol: string): Promise<MarketInstrument | null>;
  /** The symbol's latest price, always asked afresh. */
  findQuote(symbol: string): Promise<MarketQuote | null>;
  /** Closes of the ONE_DAY candles from `fromDay` to `toDay` inclusive (YYYY-MM-DD). Cached. */
  dailyCloses(symbol: string, fromDay: string, toDay: string): Promise<DailyCloses | null>;
  /** Units of `quote` per unit of `base` at market's latest observation. Cached. */
  latestFxRate(base: string, quote: string): Promise<string | null>;
  /**
   * Units of `to` per unit of `from` at the end of each UTC day from `fromDay` to `toDay`, from
   * market's signed FX_HISTORY_PATH (its rate history, triangulated through USD): `day -> rate`,
   * null on days without a rate. Cached. Needs `secret`.
   */
  fxHistory(from: string, to: string, fromDay: string, toDay: string): Promise<Map<string, string | null>>;
  /**
   * Each goal's current value (a decimal string in the goal's currency, 4 places at most), as market's
   * `Goal.currentValue` computes it from the latest prices and FX: one entity fetch for all, in
   * order; null while a holding has no price. Never cached.
   */
  goalValues(goals: readonly GoalFacts[]): Promise<(string | null)[]>;
}

export interface MarketClientOptions {
  /** The market subgraph's own GraphQL endpoint (MARKET_SUBGRAPH_URL), not the gateway. */
  url: string;
  /**
   * How long instruments, closes and FX rates are reused across requests; concurrent asks for one
   * key share a call. "Not found" is never kept, so a symbol added to the universe is usable at
   * once. Default 60 s; 0 turns the cache off. Quotes are never cached.
   */
  cacheTtlMs?: number;
  /** Give up on market after this long. Default 5 s. */
  timeoutMs?: number;
  /** GATEWAY_IDENTITY_SECRET, which signs internal calls (fxHistory). */
  secret?: string;
  /** Defaults to the global fetch; tests wrap it to count the calls that reach market. */
  fetch?: typeof fetch;
}

/** Market could not be asked or refused the question: not the caller's fault, so it surfaces as INTERNAL_SERVER_ERROR. */
export class MarketUnavailableError extends Error {
  readonly code = 'MARKET_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketUnavailableError';
  }
}

const INSTRUMENT_QUERY = 'query($s: ID!) { instrument(symbol: $s) { symbol currency assetClass } }';
const QUOTE_QUERY = 'query($s: ID!) { instrument(symbol: $s) { symbol latestPrice { price time } } }';
const CLOSES_QUERY = `query($s: ID!, $from: DateTime!, $to: DateTime!) {
  instrument(symbol: $s) { symbol currency candles(interval: ONE_DAY, from: $from, to: $to) { time close } }
}`;
const GOAL_VALUES_QUERY = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Goal { currentValue { amount } } } }';
const FX_QUERY = 'query($b: String!, $q: String!) { fxRate(base: $b, quote: $q) { rate } }';

/** Market answers at most 5000 candles per call; longer spans are asked in pieces. */
const MAX_DAYS_PER_CALL = 4000;
const DAY_MS = 86_400_000;

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

type Candles = { instrument: { symbol: string; currency: string; candles: { time: string; close: string }[] } | null };

export function createMarketClient(options: MarketClientOptions): MarketClient {
  const ttl = options.cacheTtlMs ?? 60_000;
  const doFetch = options.fetch ?? fetch;

  /** POSTs one operation; the data, or MarketUnavailableError (unreachable, not 2xx, errors, no data) unless `accept` takes the errors. */
  async function ask<T>(what: string, query: string, variables: Record<string, unknown>, accept?: (answer: GraphQLAnswer<T>) => boolean): Promise<T | null> {
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new MarketUnavailableError(`market subgraph unreachable (${what})`, { cause: error });
    }
    const body = (await response.json().catch(() => null)) as GraphQLAnswer<T> | null;
    if (body && accept?.(body)) return null;
    if (!response.ok || !body?.data || body.errors?.length) {
      throw new MarketUnavailableError(`market subgraph answered ${response.status} (${what}): ${body?.errors?.[0]?.message ?? 'no data'}`);
    }
    return body.data;
  }

  async function askCloses(symbol: string, fromDay: string, toDay: string): Promise<DailyCloses | null> {
    const end = Date.parse(`${toDay}T00:00:00Z`) + DAY_MS;
    let result: DailyCloses | null = null;
    for (let from = Date.parse(`${fromDay}T00:00:00Z`); from < end; from += MAX_DAYS_PER_CALL * DAY_MS) {
      const to = Math.min(end, from + MAX_DAYS_PER_CALL * DAY_MS);
      const data = await ask<Candles>('candles', CLOSES_QUERY, { s: symbol, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      const instrument = data?.instrument;
      if (!instrument) return null;
      result ??= { symbol: instrument.symbol, currency: instrument.currency, closes: [] };
      for (const candle of instrument.candles) result.closes.push({ day: candle.time.slice(0, 10), close: candle.close });
    }
    return result;
  }

  async function askFxHistory(from: string, to: string, fromDay: string, toDay: string): Promise<Map<string, string | null>> {
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

  const instruments = cached(
    ttl,
    2000,
    async (symbol) => (await ask<{ instrument: MarketInstrument | null }>('instrument', INSTRUMENT_QUERY, { s: symbol }))?.instrument ?? null,
  );
  const closes = cached(ttl, 500, (key) => askCloses(...(key.split('|') as [string, string, string])));
  const rates = cached(ttl, 200, async (key) => {
    const [base, quote] = key.split('|') as [string, string];
    // No route between the two currencies is an answer (null), not a failure.
    const data = await ask<{ fxRate: { rate: string } }>('FX rate', FX_QUERY, { b: base, q: quote }, (answer) =>
      Boolean(answer.errors?.some((error) => error.extensions?.code === 'NOT_FOUND')),
    );
    return data?.fxRate.rate ?? null;
  });
  const fxHistories = cached(ttl, 200, (key) => askFxHistory(...(key.split('|') as [string, string, string, string])));
  return {
    findInstrument: instruments,
    findQuote: async (symbol) => (await ask<{ instrument: MarketQuote | null }>('quote', QUOTE_QUERY, { s: symbol }))?.instrument ?? null,
    dailyCloses: (symbol, fromDay, toDay) => closes(`${symbol}|${fromDay}|${toDay}`),
    latestFxRate: (base, quote) => rates(`${base}|${quote}`),
    fxHistory: async (from, to, fromDay, toDay) => (await fxHistories(`${from}|${to}|${fromDay}|${toDay}`)) ?? new Map(),
    async goalValues(goals) {
      if (goals.length === 0) return [];
      const representations = goals.map((goal) => ({ __typename: 'Goal', ...goal }));
      const data = await ask<{ _entities: ({ currentValue: { amount: string } | null } | null)[] }>('goal values', GOAL_VALUES_QUERY, { r: representations });
      const entities = data?._entities ?? [];
      if (entities.length !== goals.length) throw new MarketUnavailableError(`market answered ${entities.length} goal values for ${goals.length}`);
      return entities.map((entity) => entity?.currentValue?.amount ?? null);
    },
  };
}

/** `load` behind an LRU cache with a TTL (none when ttl is 0); callers of one key share one call in flight; null is not kept. */
function cached<V>(ttl: number, max: number, load: (key: string) => Promise<V | null>): (key: string) => Promise<V | null> {
  if (ttl <= 0) return load;
  // Values are wrapped: lru-cache cannot hold null, and a fetchMethod answering undefined stores nothing.
  const cache = new LRUCache<string, { value: V }>({
    max,
    ttl,
    fetchMethod: async (key) => {
      const value = await load(key);
      return value === null ? undefined : { value };
    },
  });
  return async (key) => (await cache.fetch(key))?.value ?? null;
}
