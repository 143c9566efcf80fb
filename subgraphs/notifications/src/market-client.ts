/** What notifications needs to know about an instrument: that it exists, and its latest price. */
export interface InstrumentQuote {
  symbol: string;
  /** The latest price and when it was observed; null before the first price. */
  latestPrice: { price: string; time: string } | null;
}

/** The market subgraph, asked over HTTP (never its database). */
export interface MarketClient {
  /** The instrument, or null when the universe has no such symbol. Throws when market cannot answer. */
  findInstrument(symbol: string): Promise<InstrumentQuote | null>;
}

/** Market could not be asked: not the caller's fault, so it surfaces as INTERNAL_SERVER_ERROR. */
export class MarketUnavailableError extends Error {
  readonly code = 'MARKET_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketUnavailableError';
  }
}

const QUERY = 'query($s: ID!){ instrument(symbol: $s){ symbol latestPrice { price time } } }';

/** Asks market's subgraph endpoint (MARKET_SUBGRAPH_URL). No cache: alerts are created rarely and need a fresh price. */
export function createMarketClient(options: { url: string; timeoutMs?: number }): MarketClient {
  return {
    async findInstrument(symbol) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: QUERY, variables: { s: symbol } }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
      } catch (error) {
        throw new MarketUnavailableError(`market subgraph unreachable at ${options.url}`, { cause: error });
      }
      const body = (await response.json().catch(() => null)) as { data?: { instrument: InstrumentQuote | null } | null; errors?: { message: string }[] } | null;
      if (!response.ok || !body?.data || body.errors?.length) {
        throw new MarketUnavailableError(`market subgraph answered ${response.status}: ${body?.errors?.[0]?.message ?? 'no data'}`);
      }
      return body.data.instrument;
    },
  };
}
