import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { firstError, postGraphQL, startFakeSubgraph, startTestGateway, type Gateway } from './support/gateway-harness.ts';

// Tight limits set through the environment, as an operator would, so small documents cross them.
const LIMITS_ENV = {
  MAX_QUERY_DEPTH: '3',
  MAX_QUERY_ALIASES: '2',
  MAX_QUERY_COST: '30',
  MAX_QUERY_TOKENS: '40',
  MAX_QUERY_DIRECTIVES: '2',
};

let subgraph: Awaited<ReturnType<typeof startFakeSubgraph>>;
let gateway: Gateway;
beforeAll(async () => {
  subgraph = await startFakeSubgraph(() => ({ data: { me: null } }));
  gateway = await startTestGateway({ env: LIMITS_ENV, subgraphUrl: subgraph.url });
});
afterAll(async () => {
  await gateway?.close();
  await subgraph?.close();
});

/** Sends `query` and returns the answer plus how many subgraph requests it caused. */
async function send(query: string) {
  const before = subgraph.requests();
  const answer = await postGraphQL(gateway.url, { query });
  return { ...answer, subgraphRequests: subgraph.requests() - before };
}

const refusals = [
  {
    limit: 'MAX_DEPTH',
    query: '{ portfolio(id: "p1") { holdings { portfolio { holdings { symbol } } } } }',
    message: 'Query depth limit of 3 exceeded, found 5.',
  },
  {
    limit: 'MAX_ALIASES',
    query: '{ a: me { id } b: me { id } c: me { id } }',
    message: 'Aliases limit of 2 exceeded, found 3.',
  },
  {
    limit: 'MAX_COST',
    // graphql-armor multiplies a list's cost by its `first` argument.
    query: '{ searchInstruments(query: "a", first: 100) { symbol name } }',
    message: /^Query Cost limit of 30 exceeded, found \d+(\.\d+)?\.$/,
  },
  {
    limit: 'MAX_TOKENS',
    query: `{ me { ${Array.from({ length: 40 }, () => 'id').join(' ')} } }`,
    message: 'Token limit of 40 exceeded.',
  },
  {
    limit: 'MAX_DIRECTIVES',
    query: '{ me @include(if: true) { id @skip(if: false) email @include(if: true) } }',
    message: 'Directives limit of 2 exceeded, found 3.',
  },
] as const;

describe('query limits set through the environment', () => {
  it('let an operation within every limit reach the subgraph', async () => {
    const { status, body, subgraphRequests } = await send('{ me { id email } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: null } });
    expect(subgraphRequests).toBe(1);
  });

  it.each(refusals)('refuse an operation over $limit with GRAPHQL_VALIDATION_FAILED and never call a subgraph', async ({ limit, query, message }) => {
    const { status, body, subgraphRequests } = await send(query);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    const error = firstError(body);
    expect(error?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit });
    expect(error?.message).toMatch(message);
    expect(subgraphRequests).toBe(0);
  });

  it('still answer a malformed document with GRAPHQL_PARSE_FAILED, not a limit', async () => {
    const { status, body } = await send('{ me { id ');
    expect(status).toBe(400);
    expect(firstError(body)?.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('refuse a subscription over a limit on the WebSocket too', async () => {
    const client = createClient({ url: gateway.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription { priceTicks(symbols: ["AAPL"]) { a: symbol b: symbol c: symbol } }' },
          { next: () => resolve('unexpected event'), error: resolve, complete: () => resolve('completed without error') },
        );
      });
      expect(errors).toEqual([expect.objectContaining({ message: 'Aliases limit of 2 exceeded, found 3.' })]);
    } finally {
      await client.dispose();
    }
  });
});
