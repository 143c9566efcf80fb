// npm run bench:portfolio-detail — PortfolioDetail through the gateway, portfolio's Redis cache on
// and then off, on the same data: a portfolio holding every stock and ETF of the universe, with a
// ledger and daily snapshots over five years. Prints cold and warm latency of the whole
// PortfolioDetail (one request at a time), then, under load, RPS, latency percentiles and SQL
// statements per request (every service) of its ledger half: the fields portfolio answers, with
// market's valuations (the analytics half costs the same with the cache on or off, and would
// hide the difference). The load generator (autocannon) runs as its own process.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { Decimal } from 'decimal.js';
import { Redis } from 'ioredis';
import { createPool, statementCounter } from '@nexanest/db';
import { listReferenceInstruments } from '@nexanest/market';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../../test/support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../../test/support/stack.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const YEARS = 5;
const DAY_MS = 86_400_000;

const instruments = listReferenceInstruments().filter((i) => i.assetClass === 'STOCK' || i.assetClass === 'ETF');

/** The same ledger and snapshots on every run: only the cache setting differs. */
async function seed(stack: TestStack) {
  const admin = await adminClient(stack);
  await admin.request(operation('IngestPrices'), {
    ticks: instruments.map(({ symbol }, i) => ({ symbol, price: `${100 + i}.25`, time: new Date(Date.now() - 1000).toISOString() })),
  });
  const user = await registerUser(stack, 'bench');
  const created = await user.client.request<{ createPortfolio: { id: string } }>(operation('CreatePortfolio'), {
    input: { name: 'Five years', portfolioType: 'TAXABLE', baseCurrency: 'USD' },
  });
  if (!created.data) throw new Error(`createPortfolio failed: ${JSON.stringify(created.errors)}`);
  const portfolioId = created.data.createPortfolio.id;
  const start = Date.now() - YEARS * 365 * DAY_MS;
  const record = async (input: Record<string, unknown>) => {
    const answer = await user.client.request(operation('RecordTransaction'), { input: { portfolioId, ...input } });
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  };
  await record({ type: 'DEPOSIT', amount: '5000000', currency: 'USD', executedAt: new Date(start).toISOString() });
  // Four buys per instrument, spread over the five years: a ledger of 1 + 4 x instruments entries.
  for (let round = 0; round < 4; round++)
    for (const [i, { symbol, currency }] of instruments.entries()) {
      const at = start + (round * 365 + i * 7 + 1) * DAY_MS;
      await record({ type: 'BUY', symbol, quantity: '10', price: `${90 + round}.5`, fees: '1', currency, executedAt: new Date(at).toISOString() });
    }
  // Daily snapshots over the five years (the analytics half of PortfolioDetail reads them).
  const ts = createPool({ url: stack.databases.timescale, max: 1, applicationName: 'bench-seed' });
  try {
    let value = new Decimal(5_000_000);
    const times: string[] = [];
    const values: string[] = [];
    for (let d = 0; d <= YEARS * 365; d++) {
      value = value.times(new Decimal(1).plus(new Decimal(Math.sin(d / 17)).div(200)));
      times.push(new Date(start + d * DAY_MS).toISOString());
      values.push(value.toFixed(2));
    }
    await ts.sql`
      insert into analytics_ts.portfolio_snapshots (portfolio_id, owner_id, time, total_value, currency, net_flow)
      select ${portfolioId}::uuid, ${user.userId}::uuid, t::timestamptz, v::numeric, 'USD', case when i = 1 then 5000000 else 0 end
      from unnest(${times}::text[], ${values}::text[]) with ordinality as u(t, v, i)`;
  } finally {
    await ts.close();
  }
  return { user, portfolioId };
}

/** PortfolioDetail without its analytics fields (performance, snapshots, riskMetrics, allocation). */
const LEDGER_HALF = `query($id: ID!) { portfolio(id: $id) {
  id name description portfolioType baseCurrency isActive createdAt
  totalValue { amount currency } cashBalance { amount currency }
  holdings { symbol quantity costBasis { amount currency } marketValue { amount currency } weight }
  transactions(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type symbol quantity price fees currency executedAt } } }
} }`;

const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

async function run(cache: 'on' | 'off') {
  const stack = await startTestStack({ demoHistoryDays: 30, env: { PORTFOLIO_CACHE: cache } });
  try {
    const { user, portfolioId } = await seed(stack);
    const now = new Date();
    const variables = { id: portfolioId, from: new Date(now.getTime() - 365 * DAY_MS).toISOString(), to: now.toISOString() };
    const body = JSON.stringify({ query: LEDGER_HALF, variables: { id: portfolioId } });
    const check = await user.client.request<{ portfolio: { holdings: unknown[] } }>(operation('PortfolioDetail'), variables);
    if (check.errors) throw new Error(`PortfolioDetail failed: ${JSON.stringify(check.errors)}`);
    const holdings = check.data!.portfolio.holdings.length;

    if (cache === 'on') {
      // Cold: the portfolio's generation bumped (as a write does) before each request; warm: repeated.
      const redis = new Redis(testRedisUrl(), { db: 0 });
      const timed = async () => {
        const t0 = performance.now();
        await user.client.request(operation('PortfolioDetail'), variables);
        return performance.now() - t0;
      };
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < 20; i++) {
        await redis.incr(`${stack.namespace}:portfolio:cache:gen:p:${portfolioId}`);
        cold.push(await timed());
        warm.push(await timed());
      }
      redis.disconnect();
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(1);
      console.log(`whole PortfolioDetail, one at a time, cache on: cold (after invalidation) p50 ${median(cold)} ms, warm p50 ${median(warm)} ms (20 each)`);
    }

    const load = (seconds: number) =>
      promisify(execFile)(
        process.execPath,
        [autocannon, '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST', '-j', '-H', 'content-type=application/json'].concat([
          '-H',
          `authorization=Bearer ${user.token}`,
          '-b',
          body,
          stack.gatewayUrl,
        ]),
        { maxBuffer: 16 * 1024 * 1024 },
      );
    await load(3); // warm-up: JIT, query-plan cache, connection pools, the cache itself
    statementCounter.reset();
    const { stdout } = await load(DURATION_S);
    const statements = statementCounter.count;
    const result = JSON.parse(stdout) as {
      requests: { average: number; total: number };
      latency: { p50: number; p99: number };
      non2xx: number;
      errors: number;
    };
    console.log(
      `PortfolioDetail ledger half under load, cache ${cache}: ${holdings} holdings, ${1 + 4 * instruments.length} ledger entries, ${YEARS * 365 + 1} daily snapshots`,
    );
    console.log(`  requests      ${result.requests.total} (non-2xx ${result.non2xx}, errors ${result.errors})`);
    console.log(`  RPS           ${result.requests.average.toFixed(1)}`);
    console.log(`  latency p50   ${result.latency.p50} ms`);
    console.log(`  latency p99   ${result.latency.p99} ms`);
    console.log(`  SQL/request   ${(statements / Math.max(1, result.requests.total)).toFixed(2)} (all services)`);
  } finally {
    await stack.teardown();
  }
}

console.log(`${CONNECTIONS} connections, ${DURATION_S} s per run; stack and load generator on this machine (${process.platform} ${process.arch})`);
await run('on');
await run('off');
