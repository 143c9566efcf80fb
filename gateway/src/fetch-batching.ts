import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import type { ExecutionRequest, Executor } from '@graphql-tools/utils';
import { type DocumentNode, getOperationAST, parse, print } from 'graphql';

/** One subgraph query as the query planner wrote it. */
export interface PlannedFetch {
  query: string;
  variables?: Record<string, unknown>;
}

export interface FetchResult {
  data?: Record<string, unknown> | null;
  errors?: readonly unknown[];
  extensions?: Record<string, unknown>;
}

/** Sends one (possibly merged) query to the subgraph, on behalf of the fetch that `carrier` stands for. */
export type SendFetch<Carrier> = (fetch: PlannedFetch, carrier: Carrier) => Promise<FetchResult>;

// The planner writes a handful of distinct fetch queries per operation; parse each once.
const PARSED_MAX = 2_000;
const parsed = new Map<string, { document: DocumentNode; isQuery: boolean }>();
function parsedFetch(query: string) {
  let entry = parsed.get(query);
  if (!entry) {
    const document = parse(query, { noLocation: true });
    entry = { document, isQuery: getOperationAST(document)?.operation === 'query' };
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(query, entry);
  }
  return entry;
}

/**
 * Fetch batching: the query fetches that one incoming operation sends to one subgraph in the same
 * tick (a plan's Parallel node often has several for the same subgraph: Dashboard has three for
 * market) go as one HTTP request. @graphql-tools/batch-execute merges them into one document (root
 * fields and variables prefixed per fetch) and splits the answer, errors included, back to each
 * fetch. Batches never cross incoming operations: each operation's context has executors of its own,
 * so a merged request carries one caller's identity. Mutations are sent one by one, as planned.
 */
export function createFetchBatcher<Carrier extends object>(send: SendFetch<Carrier>) {
  const byContext = new WeakMap<object, Executor>();
  const executorFor = (context: object): Executor => {
    let executor = byContext.get(context);
    if (!executor) {
      const sendMerged = (request: ExecutionRequest) =>
        send({ query: print(request.document), variables: request.variables as Record<string, unknown> | undefined }, request.context as Carrier);
      // The cast: graphql-tools types results generically (ExecutionResult<TReturn>); ours are plain JSON answers.
      executor = createBatchingExecutor(sendMerged as Executor);
      byContext.set(context, executor);
    }
    return executor;
  };
  return {
    /** Whether this fetch may share an HTTP request with others (a query; not a mutation). */
    batchable(query: string): boolean {
      return parsedFetch(query).isQuery;
    },
    /** The fetch's own answer, from a request it may share with the operation's other fetches to this subgraph. */
    async run(context: object, fetch: PlannedFetch, carrier: Carrier): Promise<FetchResult> {
      const { document } = parsedFetch(fetch.query);
      const result = await executorFor(context)({
        document,
        variables: fetch.variables,
        operationType: 'query' as never,
        context: carrier as Record<string, unknown>,
      });
      return result as FetchResult;
    },
  };
}
