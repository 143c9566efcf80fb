// npm run bench:dashboard — Dashboard through the gateway for a user with 3 portfolios of 20
// holdings, at 16 concurrent connections. Prints RPS, latency percentiles and SQL statements per
// request. The load generator (autocannon) runs as its own process.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { statementCounter } from '@nexanest/db';
import { operation } from '../../test/support/operations.ts';
import { adminClient, registerUser, startTestStack } from '../../test/support/stack.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const CANDIDATES = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA', 'TSLA', 'JPM', 'META', 'NFLX', 'V', 'MA', 'KO', 'PEP', 'XOM', 'JNJ', 'PG', 'WMT', 'DIS', 'INTC', 'AMD', 'SPY', 'QQQ', 'AGG', 'SAP', 'ASML', 'IWM', 'VTI', 'BRK.B', 'UNH', 'HD'];

const stack = await startTestStack({ demoHistoryDays: 30 });
try {
  const symbols: string[] = [];
  for (const symbol of CANDIDATES) {
    const found = await stack.client.request<{ instrument: { currency: string } | null }>('query($s: ID!) { instrument(symbol: $s) { currency } }', { s: symbol });
    if (found.data?.instrument?.currency === 'USD') symbols.push(symbol);
    if (symbols.length === 20) break;
  }
  if (symbols.length < 20) throw new Error(`the universe has only ${symbols.length} USD instruments among the candidates`);
  const admin = await adminClient(stack);
  await admin.request(operation('IngestPrices'), { ticks: symbols.map((symbol, i) => ({ symbol, price: `${100 + i}.25`, time: new Date(Date.now() - 1000).toISOString() })) });

  const user = await registerUser(stack, 'bench');
  for (let p = 0; p < 3; p++) {
    const created = await user.client.request<{ createPortfolio: { id: string } }>(operation('CreatePortfolio'), { input: { name: `Bench ${p + 1}`, portfolioType: 'TAXABLE', baseCurrency: p === 2 ? 'EUR' : 'USD' } });
    const portfolioId = created.data!.createPortfolio.id;
    for (const symbol of symbols) {
      const recorded = await user.client.request(operation('RecordTransaction'), {
        input: { portfolioId, type: 'BUY', symbol, quantity: '10', price: '95.5', fees: '1', currency: 'USD', executedAt: new Date(Date.now() - 86_400_000).toISOString() },
      });
      if (recorded.errors) throw new Error(JSON.stringify(recorded.errors));
    }
  }
  const check = await user.client.request<{ me: { portfolios: Array<{ holdings: unknown[] }> } }>(operation('Dashboard'));
  if (check.errors) throw new Error(`Dashboard failed: ${JSON.stringify(check.errors)}`);
  const holdings = check.data!.me.portfolios.reduce((sum, p) => sum + p.holdings.length, 0);

  const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const load = (seconds: number) =>
    promisify(execFile)(process.execPath, [
      autocannon, '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST', '-j',
      '-H', 'content-type=application/json', '-H', `authorization=Bearer ${user.token}`,
      '-b', JSON.stringify({ query: operation('Dashboard') }), stack.gatewayUrl,
    ], { maxBuffer: 16 * 1024 * 1024 });
  await load(3); // warm-up: JIT, query-plan cache, connection pools
  statementCounter.reset();
  const { stdout } = await load(DURATION_S);
  const statements = statementCounter.count;
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  console.log(`Dashboard, ${holdings} holdings in 3 portfolios, ${CONNECTIONS} connections, ${DURATION_S} s (stack and load generator on this machine, ${process.platform} ${process.arch})`);
  console.log(`  requests      ${result.requests.total} (non-2xx ${result.non2xx}, errors ${result.errors})`);
  console.log(`  RPS           ${result.requests.average.toFixed(1)}`);
  console.log(`  latency p50   ${result.latency.p50} ms`);
  console.log(`  latency p99   ${result.latency.p99} ms`);
  console.log(`  SQL/request   ${(statements / Math.max(1, result.requests.total)).toFixed(2)}`);
} finally {
  await stack.teardown();
}
