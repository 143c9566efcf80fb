import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MarketInstrument } from '@nexanest/graphql';

/**
 * A stand-in for the market team's subgraph over real HTTP: it answers only the instrument
 * query portfolio sends, for a fixed universe, and counts how often it was asked.
 */
export interface FakeMarket {
  url: string;
  requests: () => number;
  close(): Promise<void>;
}

export const TEST_UNIVERSE: MarketInstrument[] = [
  { symbol: 'AAPL', currency: 'USD', assetClass: 'STOCK' },
  { symbol: 'MSFT', currency: 'USD', assetClass: 'STOCK' },
  { symbol: 'SPY', currency: 'USD', assetClass: 'ETF' },
  { symbol: 'SAP', currency: 'EUR', assetClass: 'STOCK' },
  ...Array.from({ length: 20 }, (_, i) => ({ symbol: `T${String(i + 1).padStart(2, '0')}`, currency: 'USD', assetClass: 'STOCK' })),
];

export async function startFakeMarket(universe: MarketInstrument[] = TEST_UNIVERSE): Promise<FakeMarket> {
  const bySymbol = new Map(universe.map((instrument) => [instrument.symbol, instrument]));
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests++;
      const { query, variables } = JSON.parse(body) as { query: string; variables?: { s?: string } };
      res.setHeader('content-type', 'application/json');
      if (!query.includes('instrument(symbol: $s)')) {
        res.statusCode = 400;
        res.end(JSON.stringify({ errors: [{ message: 'unexpected query' }] }));
        return;
      }
      res.end(JSON.stringify({ data: { instrument: bySymbol.get(variables?.s ?? '') ?? null } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
