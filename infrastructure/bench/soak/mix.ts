// The soak's request mix: contract operations, as clients send them, with weights.
import type { GatewayClient } from '@nexanest/infrastructure';
import { operation } from '../../../test/support/operations.ts';

export interface SoakUser {
  client: GatewayClient;
  portfolioId: string;
  email: string;
  password: string;
}

export interface MixEntry {
  name: string;
  weight: number;
  run(user: SoakUser, n: number): Promise<{ errors?: unknown[] }>;
}

export const SYMBOLS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA', 'TSLA', 'JPM', 'SPY', 'QQQ', 'AGG'];
const DAY = 86_400_000;
const range = (days: number) => {
  const to = new Date();
  return { from: new Date(to.getTime() - days * DAY).toISOString(), to: to.toISOString() };
};

/** Reads dominate; one request in twenty is a write (a deposit, or a buy). */
export const MIX: MixEntry[] = [
  { name: 'Dashboard', weight: 25, run: (u) => u.client.request(operation('Dashboard')) },
  { name: 'PortfolioDetail', weight: 12, run: (u) => u.client.request(operation('PortfolioDetail'), { id: u.portfolioId, ...range(30) }) },
  { name: 'Me', weight: 10, run: (u) => u.client.request(operation('Me')) },
  { name: 'Instrument', weight: 12, run: (u, n) => u.client.request(operation('Instrument'), { symbol: SYMBOLS[n % SYMBOLS.length], ...range(30) }) },
  { name: 'SearchInstruments', weight: 8, run: (u, n) => u.client.request(operation('SearchInstruments'), { query: ['app', 'micro', 'sp', 'bank'][n % 4] }) },
  { name: 'MarketIndices', weight: 5, run: (u) => u.client.request(operation('MarketIndices')) },
  { name: 'FxRate', weight: 5, run: (u, n) => u.client.request(operation('FxRate'), { base: 'USD', quote: ['EUR', 'GBP', 'JPY', 'CHF'][n % 4] }) },
  { name: 'Notifications', weight: 5, run: (u) => u.client.request(operation('Notifications')) },
  { name: 'Watchlists', weight: 3, run: (u) => u.client.request(operation('Watchlists')) },
  { name: 'PerformanceSeries', weight: 3, run: (u) => u.client.request(operation('PerformanceSeries'), { id: u.portfolioId }) },
  {
    name: 'RecordTransaction',
    weight: 5,
    run: (u, n) =>
      u.client.request(operation('RecordTransaction'), {
        input:
          n % 2 === 0
            ? { portfolioId: u.portfolioId, type: 'DEPOSIT', amount: '100.10', currency: 'USD', executedAt: new Date(Date.now() - 60_000).toISOString() }
            : {
                portfolioId: u.portfolioId,
                type: 'BUY',
                symbol: SYMBOLS[n % 7],
                quantity: '0.5',
                price: '10.25',
                currency: 'USD',
                executedAt: new Date(Date.now() - 60_000).toISOString(),
              },
      }),
  },
];

const TOTAL = MIX.reduce((sum, entry) => sum + entry.weight, 0);

/** The n-th request of the mix: a fixed, interleaved order, so every minute sends the same blend. */
export function pick(n: number): MixEntry {
  let slot = (n * 7919) % TOTAL;
  for (const entry of MIX) {
    if (slot < entry.weight) return entry;
    slot -= entry.weight;
  }
  return MIX[0]!;
}
