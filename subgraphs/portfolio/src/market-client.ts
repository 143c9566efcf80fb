/** What portfolio needs to know about an instrument: that it exists and what it trades in. */
export interface InstrumentInfo {
  symbol: string;
  currency: string;
  assetClass: string;
}

/** Reference data from the market subgraph. */
export interface MarketClient {
  /** The instrument, or null when market's universe has no such symbol. Throws when market cannot answer. */
  findInstrument(symbol: string): Promise<InstrumentInfo | null>;
}

export interface MarketClientOptions {
  /** The market subgraph's GraphQL endpoint (MARKET_SUBGRAPH_URL), not the gateway. */
  url: string;
  /** How long a found instrument is trusted; reference data changes rarely. Default 10 minutes. */
  cacheTtlMs?: number;
  /** Give up on market after this long. Default 5 seconds. */
  timeoutMs?: number;
  /** Injected for tests of the client itself; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Market could not be asked. It is not the caller's fault, so it surfaces as INTERNAL_SERVER_ERROR. */
export class MarketUnavailableError extends Error {
  readonly code = 'MARKET_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketUnavailableError';
  }
}

const INSTRUMENT_QUERY = 'query($s: ID!){ instrument(symbol: $s){ symbol currency assetClass } }';

interface InstrumentResponse {
  data?: { instrument: InstrumentInfo | null } | null;
  errors?: { message: string }[];
}

/**
 * Asks market's subgraph endpoint (never its database) and caches found instruments in-process.
 * Unknown symbols are not cached, so an instrument added to the universe is usable at once.
 */
export function createMarketClient(options: MarketClientOptions): MarketClient {
  const ttl = options.cacheTtlMs ?? 10 * 60_000;
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { value: InstrumentInfo; expiresAt: number }>();

  async function query(symbol: string): Promise<InstrumentInfo | null> {
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: INSTRUMENT_QUERY, variables: { s: symbol } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new MarketUnavailableError(`market subgraph unreachable at ${options.url}`, { cause: error });
    }
    const body = (await response.json().catch(() => null)) as InstrumentResponse | null;
    if (!response.ok || !body || body.errors?.length || !body.data) {
      throw new MarketUnavailableError(`market subgraph answered ${response.status}: ${body?.errors?.[0]?.message ?? 'no data'}`);
    }
    return body.data.instrument;
  }

  return {
    async findInstrument(symbol) {
      const hit = cache.get(symbol);
      if (hit && hit.expiresAt > Date.now()) return hit.value;
      const instrument = await query(symbol);
      if (instrument) cache.set(symbol, { value: instrument, expiresAt: Date.now() + ttl });
      else cache.delete(symbol);
      return instrument;
    },
  };
}
