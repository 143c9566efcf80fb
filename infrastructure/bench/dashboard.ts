// npm run bench:dashboard — Dashboard through the gateway for a user with 3 portfolios of 20
// holdings, at 16 concurrent connections. Prints RPS, latency percentiles, SQL statements per
// request and CPU ms per request (this process, and PostgreSQL). The load generator (autocannon)
// runs as its own process.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { statementCounter } from '@nexanest/db';
import { listReferenceInstruments } from '@nexanest/market';
import { processStats } from '@nexanest/testing';
import { operation } from '../../test/support/operations.ts';
import { adminClient, registerUser, startTestStack } from '../../test/support/stack.ts';

/** CPU time of every `postgres` process on this machine, in ms. */
const postgresCpuMs = () =>
  processStats()
    .filter((p) => p.command === 'postgres')
    .reduce((ms, p) => ms + p.cpu * 1000, 0);

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);

const stack = await startTestStack({ demoHistoryDays: 30 });
try {
  // 20 tradable instruments of the universe, in their own currencies (USD, EUR, GBP, CHF, JPY):
  // valuing them in USD and EUR portfolios exercises FX conversion on every request.
  const instruments = listReferenceInstruments()
    .filter((i) => i.assetClass === 'STOCK' || i.assetClass === 'ETF')
    .slice(0, 20);
  if (instruments.length < 20) throw new Error(`the universe has only ${instruments.length} stocks and ETFs`);
  const admin = await adminClient(stack);
  await admin.request(operation('IngestPrices'), {
    ticks: instruments.map(({ symbol }, i) => ({ symbol, price: `${100 + i}.25`, time: new Date(Date.now() - 1000).toISOString() })),
  });

  const user = await registerUser(stack, 'bench');
  for (let p = 0; p < 3; p++) {
    const created = await user.client.request<{ createPortfolio: { id: string } }>(operation('CreatePortfolio'), {
      input: { name: `Bench ${p + 1}`, portfolioType: 'TAXABLE', baseCurrency: p === 2 ? 'EUR' : 'USD' },
    });
    const portfolioId = created.data!.createPortfolio.id;
    for (const { symbol, currency } of instruments) {
      const recorded = await user.client.request(operation('RecordTransaction'), {
        input: {
          portfolioId,
          type: 'BUY',
          symbol,
          quantity: '10',
          price: '95.5',
          fees: '1',
          currency,
          executedAt: new Date(Date.now() - 86_400_000).toISOString(),
        },
      });
      if (recorded.errors) throw new Error(JSON.stringify(recorded.errors));
    }
  }
  const check = await user.client.request<{ me: { portfolios: Array<{ holdings: unknown[] }> } }>(operation('Dashboard'));
  if (check.errors) throw new Error(`Dashboard failed: ${JSON.stringify(check.errors)}`);
  const holdings = check.data!.me.portfolios.reduce((sum, p) => sum + p.holdings.length, 0);

  const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const load = (seconds: number) =>
    promisify(execFile)(
      process.execPath,
      [
        autocannon,
        '-c',
        String(CONNECTIONS),
        '-d',
        String(seconds),
        '-m',
        'POST',
        '-j',
        '-H',
        'content-type=application/json',
        '-H',
        `authorization=Bearer ${user.token}`,
        '-b',
        JSON.stringify({ query: operation('Dashboard') }),
        stack.gatewayUrl,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  await load(3); // warm-up: JIT, query-plan cache, connection pools
  statementCounter.reset();
  const cpuBefore = process.cpuUsage();
  const postgresBefore = postgresCpuMs();
  const { stdout } = await load(DURATION_S);
  const statements = statementCounter.count;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresMs = postgresCpuMs() - postgresBefore;
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  console.log(
    `Dashboard, ${holdings} holdings in 3 portfolios, ${CONNECTIONS} connections, ${DURATION_S} s (stack and load generator on this machine, ${process.platform} ${process.arch})`,
  );
  console.log(`  requests      ${result.requests.total} (non-2xx ${result.non2xx}, errors ${result.errors})`);
  console.log(`  RPS           ${result.requests.average.toFixed(1)}`);
  console.log(`  latency p50   ${result.latency.p50} ms`);
  console.log(`  latency p99   ${result.latency.p99} ms`);
  console.log(`  SQL/request   ${(statements / Math.max(1, result.requests.total)).toFixed(2)}`);
  const perRequest = (ms: number) => (ms / Math.max(1, result.requests.total)).toFixed(2);
  console.log(
    `  CPU/request   ${perRequest((cpu.user + cpu.system) / 1000)} ms in this process (gateway and subgraphs), ${perRequest(postgresMs)} ms in PostgreSQL`,
  );
} finally {
  await stack.teardown();
}
