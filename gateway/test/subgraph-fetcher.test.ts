import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubgraphDataSource } from '../src/data-source.ts';
import { createSubgraphFetcher } from '../src/subgraph-fetcher.ts';

/**
 * The undici keep-alive fetcher (a lever of issue 8) against a real HTTP server that plays a
 * subgraph: the data source answers exactly what @apollo/gateway's own data source (its default
 * fetcher) answers, a slow subgraph is a coded timeout, and a subgraph's 400 body keeps its errors.
 */
const SLOW_MS = 1500;
const TIMEOUT_MS = 300;
let server: http.Server;
let base: string;
let connections = 0;
const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/slow') setTimeout(() => reply(200, { data: { late: true } }), SLOW_MS);
      else if (req.url === '/bad') reply(400, { errors: [{ message: 'Variable "$id" got invalid value', extensions: { code: 'BAD_USER_INPUT' } }] });
      else {
        const { variables } = JSON.parse(body) as { variables?: { n?: number } };
        reply(200, { data: { echo: { n: variables?.n ?? null, price: '123.4500', unicode: 'Zürich € 株' } }, extensions: { hint: 1 } });
      }
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const requestOf = (n: number) => ({
  query: 'query Echo($n: Int) { echo(n: $n) { n price unicode } }',
  variables: { n },
  http: { method: 'POST', url: '', headers: new Headers({ 'content-type': 'application/json', 'x-probe': `p${n}` }) },
});
const process = (source: RemoteGraphQLDataSource, n: number) =>
  source.process({ kind: 0, request: requestOf(n), context: {}, document: undefined as never } as never);

describe('the subgraph fetcher', () => {
  it('answers what the stock data source answers, and reuses its connections', async () => {
    const ours = createSubgraphFetcher({ timeoutMs: TIMEOUT_MS });
    try {
      const mine = new SubgraphDataSource('echo', `${base}/graphql`, { timeoutMs: TIMEOUT_MS, identitySecret: 'x'.repeat(40), fetcher: ours.fetcher });
      const stock = new RemoteGraphQLDataSource({ url: `${base}/graphql`, apq: false });
      for (let n = 1; n <= 3; n++) {
        const [a, b] = [await process(mine, n), await process(stock, n)];
        expect(a.data).toEqual({ echo: { n, price: '123.4500', unicode: 'Zürich € 株' } });
        expect(a.data).toEqual(b.data);
        expect(a.extensions).toEqual(b.extensions);
        expect(a.http?.headers.get('Cache-Control')).toBe('private');
      }
      // What the subgraph received from ours: the same body and headers as from the stock one.
      const [fromOurs, fromStock] = [seen.at(-2), seen.at(-1)];
      expect(fromOurs?.body).toBe(fromStock?.body);
      expect(fromOurs?.headers['x-probe']).toBe('p3');
      expect(fromOurs?.headers['content-type']).toBe('application/json');

      // Keep-alive: twenty requests one after another go over a connection or two, not twenty.
      // (undici may open a second while the first is being handed back.)
      const before = connections;
      for (let n = 0; n < 20; n++) await process(mine, n);
      expect(connections - before).toBeLessThanOrEqual(2);
    } finally {
      await ours.close();
    }
  });

  it('gives up on a slow subgraph with a coded timeout', async () => {
    const ours = createSubgraphFetcher({ timeoutMs: TIMEOUT_MS });
    try {
      const mine = new SubgraphDataSource('slow', `${base}/slow`, { timeoutMs: TIMEOUT_MS, identitySecret: 'x'.repeat(40), fetcher: ours.fetcher });
      const answer = await process(mine, 1);
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toEqual([
        { message: 'The slow service did not answer in time', extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'UPSTREAM_TIMEOUT' } },
      ]);
    } finally {
      await ours.close();
    }
  });

  it("passes on a subgraph's GraphQL errors sent with a 400", async () => {
    const ours = createSubgraphFetcher({ timeoutMs: TIMEOUT_MS });
    try {
      const mine = new SubgraphDataSource('bad', `${base}/bad`, { timeoutMs: TIMEOUT_MS, identitySecret: 'x'.repeat(40), fetcher: ours.fetcher });
      expect((await process(mine, 1)).errors).toEqual([{ message: 'Variable "$id" got invalid value', extensions: { code: 'BAD_USER_INPUT' } }]);
    } finally {
      await ours.close();
    }
  });
});
