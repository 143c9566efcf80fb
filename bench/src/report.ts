// Writes bench/RESULTS.md from one run's figures.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { settings as Settings } from './config.ts';
import type { MarketLoad } from './dataset.ts';
import { BENCH } from './gateways.ts';
import type { ColdStartResult } from './scenarios/cold-start.ts';
import type { CostRow } from './scenarios/cost.ts';
import type { ExistingBench } from './scenarios/existing.ts';
import type { GatewayCase, GatewaysResult } from './scenarios/gateways.ts';
import { gatewaySection } from './report-gateways.ts';

export interface Results {
  startedAt: Date;
  finishedAt?: Date;
  settings: typeof Settings;
  /** The commit the run started on. */
  commit?: string;
  /**
   * Parts not run this time, kept from an earlier run's results.json: part -> that run's date,
   * commit and settings (only the date for runs written before those were kept).
   */
  earlier: Record<string, string>;
  dataset?: { market: MarketLoad; rows: Record<string, number>; accountsSeconds: number };
  gateways?: GatewaysResult;
  cost?: CostRow[];
  fanout?: ExistingBench;
  ingest?: ExistingBench;
  coldStart?: ColdStartResult;
}

const sh = (command: string) => {
  try {
    return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

export const currentCommit = () => sh('git rev-parse --short HEAD');

/** The settings of a run as the environment variables that reproduce it (`parts` a Set, or an array read back from results.json). */
type RunSettings = Omit<typeof Settings, 'parts'> & { parts: Iterable<string> };
const settingsLine = (s: RunSettings) =>
  `BENCH_DURATION=${s.durationSeconds} BENCH_WARMUP=${s.warmupSeconds} BENCH_CONNECTIONS=${s.connections.join(',')} BENCH_ALL_CORES=${s.allCores} BENCH_ROUNDS=${s.rounds ?? 1} BENCH_ALL_CORES_ROUNDS=${s.allCoresRounds ?? 1}${s.gateways ? ` BENCH_GATEWAYS=${s.gateways}` : ''} BENCH_USERS=${s.users} BENCH_HISTORY_DAYS=${s.historyDays} BENCH_PARTS=${[...s.parts].join(',')}`;

export type { GatewayCase };

const PARTS = ['dataset', 'gateways', 'cost', 'fanout', 'ingest', 'coldStart'] as const;

/**
 * A run of some parts only (BENCH_PARTS) keeps the other parts' figures from the last run's
 * bench/results.json, marked with that run's date in RESULTS.md.
 */
export function keepEarlierParts(results: Results): void {
  const file = `${BENCH}results.json`;
  if (!existsSync(file)) return;
  const previous = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<(typeof PARTS)[number], unknown>> & {
    startedAt: string;
    commit?: string;
    settings?: RunSettings;
    earlier?: Record<string, string>;
  };
  const described = [
    previous.startedAt,
    previous.commit ? ` at commit ${previous.commit}` : '',
    previous.settings ? `, with ${settingsLine(previous.settings)}` : '',
  ].join('');
  const target = results as unknown as Record<string, unknown>;
  for (const part of PARTS) {
    if (target[part] !== undefined || previous[part] === undefined) continue;
    target[part] = previous[part];
    results.earlier[part] = previous.earlier?.[part] ?? described;
  }
}

const from = (results: Results, part: string) => (results.earlier[part] ? [`(Figures of this section from the run of ${results.earlier[part]}.)`, ''] : []);

export function writeResults(results: Results): string {
  const s = results.settings;
  const cpu = cpus();
  const lines: string[] = [
    '# Bench results',
    '',
    `Written by \`npm run bench\` (bench/src/run.ts) on ${results.startedAt.toISOString()} (finished ${results.finishedAt?.toISOString() ?? '?'}).`,
    '',
    '## Machine',
    '',
    `- CPU: ${cpu[0]?.model ?? '?'}, ${cpu.length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${process.platform} ${release()}; Node ${process.version}; ${sh('psql --version') || 'psql ?'}; Redis ${sh("redis-server --version | sed 's/.*v=\\([^ ]*\\).*/\\1/'")}`,
    `- commit: ${results.commit ?? currentCommit()}; load average (1, 5, 15 min) when the report was written: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(', ')}`,
    '- Shared: PostgreSQL, Redis, the subgraphs, the gateway under test and the load generator all run on these cores,',
    '  and other work shared the machine during the run. Absolute figures are noisy; the ratios within one run are what count.',
    '',
    '## Commands',
    '',
    '```sh',
    'cd bench && npm ci && npm run bench',
    `# settings of this run: ${settingsLine(s)}`,
    '```',
    '',
  ];
  if (results.dataset) {
    const d = results.dataset;
    lines.push(
      '## Dataset',
      '',
      ...from(results, 'dataset'),
      `Seed ${s.seed}. ${d.market.instruments} instruments, ${d.market.prices.toLocaleString('en')} daily prices (${s.historyDays} days), loaded in ${d.market.seconds.toFixed(1)} s`,
      `(the reference universe through the project's demo seed, the synthetic rest with COPY). Accounts with COPY in ${d.accountsSeconds.toFixed(1)} s:`,
      `${Object.entries(d.rows)
        .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
        .join(', ')}.`,
      `${s.users} users of ${s.portfoliosPerUser} portfolios x ${s.holdingsPerPortfolio} holdings, plus a "small" (1 x 5) and a "large" (10 x 50) user for scenario 2. Each request carries a different user's token (minted as auth would).`,
      '',
    );
  }
  if (results.gateways) lines.push(...gatewaySection(results.gateways, s, from(results, 'gateways')));
  if (results.cost) {
    lines.push(
      '## Scenario 2: cost per operation',
      '',
      ...from(results, 'cost'),
      "Subgraph fetches (the gateway's `subgraph_fetch_duration_seconds_count`) and SQL statements (the subgraph process's statement counter, less the",
      'statements sent in an equal idle time right after) per operation, averaged over 10 sequential requests.',
      '',
      'The background is measured over an equal idle window and is itself noisy (it is larger when requests are slow); the raw count is an upper bound.',
      "The last two columns count each request on its own, on each subgraph's request pool: the least one request cost that pool over the 10 (background work",
      "on a shared pool, such as analytics' snapshot builder, only adds to a count), and their sum over the fetches.",
      '',
      '| operation | user | portfolios | holdings | fetches/op | by subgraph | SQL/op | raw SQL/op | idle background/op | SQL per fetch | least SQL per request, by subgraph | least SQL per fetch |',
      '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |',
      ...results.cost.map((r) => {
        const fetches = Object.entries(r.fetchesBySubgraph)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        const least = r.leastByPool ? Object.entries(r.leastByPool) : null;
        const leastTotal = least?.reduce((sum, [, n]) => sum + n, 0);
        return `| ${r.operation} | ${r.size} | ${r.portfolios} | ${r.holdings} | ${r.fetchesPerOp} | ${fetches} | ${r.sqlPerOp.toFixed(1)} | ${r.sqlRawPerOp?.toFixed(1) ?? '?'} | ${r.backgroundPerOp?.toFixed(1) ?? '?'} | ${(r.sqlPerOp / Math.max(1, r.fetchesPerOp)).toFixed(2)} | ${least?.map(([k, n]) => `${k} ${n}`).join(', ') ?? '(not measured)'} | ${leastTotal === undefined ? '?' : (leastTotal / Math.max(1, r.fetchesPerOp)).toFixed(2)} |`;
      }),
      '',
    );
  }
  for (const [title, bench] of [
    ['Scenario 3: subscription fan-out', results.fanout],
    ['Scenario 4: ingest against a raw COPY', results.ingest],
  ] as const) {
    if (!bench) continue;
    lines.push(
      `## ${title}`,
      '',
      `\`${bench.command}\` (in the repository root; ${bench.seconds.toFixed(0)} s${bench.failed ? ', FAILED' : ''}):`,
      '',
      '```',
      bench.output,
      '```',
      '',
    );
  }
  if (results.coldStart) {
    const c = results.coldStart;
    const fmt = (v: number | null) => (v === null ? 'failed' : `${v.toFixed(1)} s`);
    lines.push(
      '## Scenario 5: cold start',
      '',
      ...from(results, 'coldStart'),
      `\`${c.command}\`: time from spawning \`npm start\` to the demo user's first answered Dashboard (login, then Dashboard, polled every 100 ms).`,
      '',
      `| run | seconds | target |`,
      '| --- | ---: | ---: |',
      `| first (empty data directory: initdb, migrations, 2 years of demo prices) | ${fmt(c.firstSeconds)} | 15 s |`,
      `| warm (same data directory) | ${fmt(c.warmSeconds)} | 5 s |`,
      '',
      ...(c.note ? [`Note: ${c.note}`, ''] : []),
    );
  }
  const path = `${BENCH}RESULTS.md`;
  writeFileSync(path, `${lines.join('\n')}\n`);
  writeFileSync(`${BENCH}results.json`, `${JSON.stringify({ ...results, settings: { ...s, parts: [...s.parts] } }, null, 2)}\n`);
  return path;
}
