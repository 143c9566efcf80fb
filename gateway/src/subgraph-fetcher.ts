import { Agent, errors, request } from 'undici';

/** What RemoteGraphQLDataSource reads of a fetch Response; the rest of the WHATWG object is not needed. */
export interface SubgraphResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export type SubgraphFetcher = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<SubgraphResponse>;

export interface SubgraphFetcherOptions {
  /** Longest wait for a subgraph's response headers, and for each piece of its body after them. */
  timeoutMs: number;
  /** Keep-alive connections per subgraph origin. */
  connections?: number;
}

/**
 * HTTP to the subgraphs over undici's `request` and one keep-alive pool per origin, instead of the
 * global `fetch`: no WHATWG streams, and the timeout is undici's own timer (headers, then body), not
 * an AbortSignal.timeout per fetch (a timer of its own, which outlives the answer). The body is
 * read whole before the response is handed on, so the connection goes back to the pool at once.
 */
export function createSubgraphFetcher(options: SubgraphFetcherOptions) {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const fetcher: SubgraphFetcher = async (url, init) => {
    const response = await request(url, { method: (init.method ?? 'POST') as 'POST', headers: init.headers, body: init.body, dispatcher: agent });
    const text = await response.body.text();
    const headers = response.headers;
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      statusText: '',
      url,
      headers: {
        get(name: string) {
          const value = headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
      },
      text: async () => text,
      json: async () => JSON.parse(text) as unknown,
    };
  };
  return { fetcher, close: () => agent.close() };
}

/** Whether a failed subgraph call gave up waiting (undici's headers or body timeout). */
export const isSubgraphTimeout = (error: unknown): boolean => error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
