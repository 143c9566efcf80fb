// Scenario 2: subgraph fetches and SQL statements per operation, for users of three sizes
// (1 portfolio of 5 holdings, 3 of 20, 10 of 50). Read from the gateway's own metrics
// (subgraph_fetch_duration_seconds_count) and the subgraph process's statement counter; the
// statements the services send on their own (outbox relay, retention) in the same time are
// measured right after, idle, and taken off. Each request is also counted on its own, pool by
// pool: the least a request pool sent for one request is its warm cost (background work on a
// shared pool, such as analytics' snapshot builder, only ever adds to a count).
import type { AccountsLoad, BenchUser } from '../dataset.ts';
import { post } from '../graphql-request.ts';
import type { Host } from '../host-control.ts';
import { bodyFor, OPERATIONS, type OperationName } from '../operations.ts';
import { mintTokens } from '../tokens.ts';

export interface CostRow {
  size: string;
  portfolios: number;
  holdings: number;
  operation: OperationName;
  fetchesPerOp: number;
  fetchesBySubgraph: Record<string, number>;
  sqlPerOp: number;
  /** Statements per operation before the idle background was taken off, and that background. */
  sqlRawPerOp: number;
  backgroundPerOp: number;
  /** The least statements one request cost each subgraph's request pool over the repeats. */
  leastByPool?: Record<string, number>;
}

/** The pools the subgraphs answer requests with (their application names); workers have their own. */
export const REQUEST_POOLS: Record<string, string> = { auth: 'nexanest-auth', portfolio: 'portfolio', market: 'market', analytics: 'nexanest-analytics' };

const REPEAT = 10;

async function fetchCounts(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^subgraph_fetch_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    const subgraph = /subgraph="([^"]+)"/.exec(match[1] ?? '')?.[1] ?? '?';
    counts[subgraph] = (counts[subgraph] ?? 0) + Number(match[2]);
  }
  return counts;
}

export async function runCostScenario(host: Host, accounts: AccountsLoad, log: (line: string) => void): Promise<CostRow[]> {
  const metricsUrl = host.gatewayUrl.replace(/\/graphql$/, '/metrics');
  const sizes: [string, BenchUser][] = [
    ['small', accounts.sized.small as BenchUser],
    ['standard', accounts.users[0] as BenchUser],
    ['large', accounts.sized.large as BenchUser],
  ];
  const tokens = await mintTokens(sizes.map(([, user]) => user));
  const rows: CostRow[] = [];
  for (const operation of OPERATIONS) {
    for (const [i, [size, user]] of sizes.entries()) {
      const token = tokens[i] as string;
      const body = bodyFor(operation, user);
      const first = await post(host.gatewayUrl, body, token); // plan cached, pools open
      if (first.errors) throw new Error(`${operation} for the ${size} user failed: ${JSON.stringify(first.errors).slice(0, 500)}`);
      const fetchesBefore = await fetchCounts(metricsUrl);
      const sqlBefore = (await host.sqlCount()).total;
      const leastByPool = Object.fromEntries(Object.keys(REQUEST_POOLS).map((subgraph) => [subgraph, Number.POSITIVE_INFINITY]));
      let elapsed = 0;
      for (let n = 0; n < REPEAT; n++) {
        const before = await host.sqlCount();
        const started = performance.now();
        await post(host.gatewayUrl, body, token);
        elapsed += performance.now() - started;
        const after = await host.sqlCount();
        for (const [subgraph, pool] of Object.entries(REQUEST_POOLS))
          leastByPool[subgraph] = Math.min(leastByPool[subgraph] as number, (after.byPool[pool] ?? 0) - (before.byPool[pool] ?? 0));
      }
      log(`  ${operation} ${size}: ${(elapsed / REPEAT).toFixed(0)} ms per request, sequential`);
      const sqlAfter = (await host.sqlCount()).total;
      const fetchesAfter = await fetchCounts(metricsUrl);
      await new Promise((resolve) => setTimeout(resolve, elapsed));
      const background = (await host.sqlCount()).total - sqlAfter;
      const fetchesBySubgraph = Object.fromEntries(
        Object.entries(fetchesAfter)
          .map(([name, count]) => [name, (count - (fetchesBefore[name] ?? 0)) / REPEAT] as const)
          .filter(([, count]) => count > 0),
      );
      const row: CostRow = {
        size,
        portfolios: user.portfolioIds.length,
        holdings: user.holdings,
        operation,
        fetchesPerOp: Object.values(fetchesBySubgraph).reduce((sum, n) => sum + n, 0),
        fetchesBySubgraph,
        sqlPerOp: Math.max(0, sqlAfter - sqlBefore - background) / REPEAT,
        sqlRawPerOp: (sqlAfter - sqlBefore) / REPEAT,
        backgroundPerOp: background / REPEAT,
        leastByPool,
      };
      rows.push(row);
      log(
        `  ${operation.padEnd(15)} ${size.padEnd(8)} ${row.holdings} holdings: fetches/op=${row.fetchesPerOp} ${JSON.stringify(fetchesBySubgraph)} SQL/op=${row.sqlPerOp} (raw ${row.sqlRawPerOp}, idle background ${row.backgroundPerOp}) least per request ${JSON.stringify(leastByPool)}`,
      );
    }
  }
  return rows;
}
