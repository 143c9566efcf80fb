import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Histogram } from 'prom-client';
import { CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER, IDENTITY_HEADER, REQUEST_ID_HEADER, signClientIp } from '@nexanest/graphql';
import type { GatewayContext } from './context.ts';
import type { EntityCache } from './entity-cache/cache.ts';
import { createFetchBatcher } from './fetch-batching.ts';
import { createSubgraphFetcher, isSubgraphTimeout, type SubgraphFetcher } from './subgraph-fetcher.ts';

type SubgraphContext = GatewayContext & Record<string, unknown>;
type Response = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
type ProcessOptions = GraphQLDataSourceProcessOptions<SubgraphContext>;

/** A GraphQL error body a subgraph sent with a non-2xx status (e.g. 400 for bad variables). */
function graphqlErrorsIn(error: unknown): Response['errors'] | null {
  // By shape, not `instanceof`: @apollo/gateway may load another copy of graphql (CJS vs ESM).
  const extensions = (error as { extensions?: { response?: { body?: unknown } } } | null)?.extensions;
  if (!extensions || typeof extensions !== 'object') return null;
  const body = extensions.response?.body;
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  return Array.isArray(errors) && errors.length > 0 ? (errors as Response['errors']) : null;
}

export interface SubgraphDataSourceOptions {
  timeoutMs: number;
  /** Signs the client IP forwarded to the subgraph (the identity secret). */
  identitySecret: string;
  fetchDuration?: Histogram<'subgraph' | 'outcome'>;
  /** Shared by the gateway's data sources (one keep-alive pool per subgraph); a pool of its own when omitted. */
  fetcher?: SubgraphFetcher;
  /** Send an operation's parallel query fetches to this subgraph as one request (fetch-batching.ts). */
  batching?: boolean;
  /** Answers public `_entities` fetches of incoming queries from memory while their cache hints allow (entity-cache/). */
  entityCache?: EntityCache;
}

/**
 * A subgraph over HTTP that carries the gateway-signed identity, gives up after the upstream
 * timeout, and turns transport failures into an error that names the subgraph and nothing else
 * (no URL, no socket detail).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<SubgraphContext> {
  private readonly identitySecret: string;
  private readonly fetchDuration?: Histogram<'subgraph' | 'outcome'>;
  private readonly batcher: ReturnType<typeof createFetchBatcher<ProcessOptions>> | null;
  private readonly entityCache?: EntityCache;

  constructor(
    readonly serviceName: string,
    url: string,
    options: SubgraphDataSourceOptions,
  ) {
    super({
      url,
      // Subgraphs are ours and speak plain POST; APQ would only add a round trip.
      apq: false,
      // The cast: Apollo types its fetcher as the full WHATWG fetch; it reads only what SubgraphResponse has.
      fetcher: (options.fetcher ?? createSubgraphFetcher({ timeoutMs: options.timeoutMs }).fetcher) as never,
    });
    this.identitySecret = options.identitySecret;
    this.fetchDuration = options.fetchDuration;
    this.entityCache = options.entityCache;
    this.batcher = options.batching
      ? createFetchBatcher<ProcessOptions>((fetch, carrier) => {
          const { operationName: _planned, ...request } = carrier.request;
          return this.send({ ...carrier, request: { ...request, query: fetch.query, variables: fetch.variables } });
        })
      : null;
  }

  override async willSendRequest(options: Parameters<NonNullable<RemoteGraphQLDataSource<SubgraphContext>['willSendRequest']>>[0]) {
    const context = options.context as Partial<GatewayContext>;
    const token = await context.identityToken?.();
    if (token) options.request.http?.headers.set(IDENTITY_HEADER, token);
    if (context.requestId) options.request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.clientIp) {
      options.request.http?.headers.set(CLIENT_IP_HEADER, context.clientIp);
      options.request.http?.headers.set(CLIENT_IP_SIGNATURE_HEADER, signClientIp(context.clientIp, this.identitySecret));
    }
  }

  override async process(options: ProcessOptions): Promise<Response> {
    const { query, variables } = options.request;
    // Only fetches of an incoming query are cached: not a mutation's (its caller expects what it
    // changed) nor a subscription event's (the live path; its context has no operation).
    const incomingQuery = 'incomingRequestContext' in options && options.incomingRequestContext.operation?.operation === 'query';
    const cache = incomingQuery && query ? this.entityCache : undefined;
    const maxAge = cache && query ? cache.maxAgeFor(query) : 0;
    if (cache && query && maxAge > 0) {
      const answer = await cache.fetch(this.serviceName, { query, variables }, maxAge, (fetch) =>
        this.dispatch({ ...options, request: { ...options.request, variables: fetch.variables } }),
      );
      return answer as Response;
    }
    return this.dispatch(options);
  }

  /** The fetch as planned, or with the representations the entity cache could not answer. */
  private async dispatch(options: ProcessOptions): Promise<Response> {
    const { query, variables } = options.request;
    // Only fetches of an incoming operation (not health checks) are batched.
    const incoming = 'incomingRequestContext' in options;
    if (this.batcher && incoming && query && this.batcher.batchable(query)) {
      return (await this.batcher.run(options.context, { query, variables }, options)) as Response;
    }
    return this.send(options);
  }

  /** One HTTP request to the subgraph; a failure becomes a coded error naming the subgraph. */
  private async send(options: ProcessOptions): Promise<Response> {
    const stop = this.fetchDuration?.startTimer({ subgraph: this.serviceName });
    try {
      const response = await super.process(options);
      stop?.({ outcome: response.errors?.length ? 'error' : 'ok' });
      return response;
    } catch (error) {
      stop?.({ outcome: 'failed' });
      const errors = graphqlErrorsIn(error);
      if (errors) return { errors };
      const timedOut = isSubgraphTimeout(error);
      return {
        errors: [
          {
            message: timedOut ? `The ${this.serviceName} service did not answer in time` : `The ${this.serviceName} service is unavailable`,
            extensions: { code: 'INTERNAL_SERVER_ERROR', reason: timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE' },
          },
        ],
      };
    }
  }
}
