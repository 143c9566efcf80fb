// The scenario 1 section of RESULTS.md: every case, then our gateway's ratios to each peer.
import type { settings as Settings } from './config.ts';
import { GATEWAYS, type GatewayName } from './gateways.ts';
import { type CaseSummary, median, pairedRatio, summariseCases } from './rounds.ts';
import type { GatewayCase, GatewaysResult } from './scenarios/gateways.ts';

const f1 = (n: number) => n.toFixed(1);
const ratio = (a: number, b: number) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

export function gatewaySection(result: GatewaysResult, s: typeof Settings, origin: string[] = []): string[] {
  const label = (name: string) => GATEWAYS.find((g) => g.name === name)?.label ?? name;
  const summaries = summariseCases(result.cases);
  const roundsText = Object.entries(result.rounds ?? { 1: 1 })
    .map(([workers, n]) => `${n} round${n === 1 ? '' : 's'} at ${workers} worker${workers === '1' ? '' : 's'}`)
    .join(', ');
  const lines = [
    '## Scenario 1: gateways side by side',
    '',
    ...origin,
    `autocannon, ${s.durationSeconds} s per case after a ${s.warmupSeconds} s warm-up per operation, every request with the next user's token (${s.users} users),`,
    `POST of the recorded contract operation. "workers": 1, then ${s.allCores} (one per core). Peak RSS and CPU are those of the gateway's whole process group`,
    "(primary and workers), sampled every 200 ms from /proc. CPU ms/request is the gateway's own CPU time per answered request: the least noisy figure",
    'on a shared machine. The subgraphs run in one separate Node process for every gateway alike.',
    "Before the first gateway is measured, one pass over every user's Dashboard and every portfolio's PortfolioDetail warms the subgraphs'",
    "caches and PostgreSQL's buffers (portfolio's cache TTL is raised past the run's length), so no gateway meets them colder than another.",
    '',
    'Our gateway runs its workers as a node:cluster (`GATEWAY_WORKERS`), the stock gateway likewise (`WORKERS`), Hive with `--fork`.',
    '',
    `Rounds: ${roundsText}. In each round every gateway is started, measured and stopped in turn, in an order rotated by one place per round`,
    '(no gateway always runs first or last). Tables give the median over the rounds (peak RSS: the highest round), and each ratio is',
    "our gateway's figure over the peer's from the same round, as the median over the rounds with its range: the machine drifts over minutes,",
    'and pairing within a round keeps that drift out of the ratio.',
    '',
    'Commands (from the repository root; ports and secrets set by the harness):',
    '',
    ...Object.entries(result.commands).map(([name, command]) => `- ${name}: \`${command}\``),
    '',
    `Answers checked against our gateway's (Dashboard and PortfolioDetail for 3 users): ${Object.entries(result.sameAnswers)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}.`,
    '',
    '| gateway | workers | operation | conn | rounds | RPS (median) | RPS per round | p50 ms | p99 ms | peak RSS MB | CPU ms/req | requests | errors |',
    '| --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...summaries.map(
      (c) =>
        `| ${label(c.gateway)} | ${c.workers} | ${c.operation} | ${c.connections} | ${c.rounds} | ${f1(c.rps)} | ${c.rpsEach.map(f1).join(', ')} | ${c.p50.toFixed(0)} | ${c.p99.toFixed(0)} | ${c.peakRssMb.toFixed(0)} | ${c.cpuMsPerRequest.toFixed(2)} | ${c.requests} | ${c.errors} |`,
    ),
    '',
    '<details><summary>Every round</summary>',
    '',
    '| round | gateway | workers | operation | conn | RPS | p50 ms | p99 ms | peak RSS MB | CPU ms/req | requests | errors | load avg |',
    '| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.cases.map(
      (c) =>
        `| ${(c.round ?? 0) + 1} | ${label(c.gateway)} | ${c.workers} | ${c.operation} | ${c.connections} | ${f1(c.rps)} | ${c.p50} | ${c.p99} | ${c.peakRssMb.toFixed(0)} | ${c.cpuMsPerRequest.toFixed(2)} | ${c.requests} | ${c.errors + c.non2xx + c.graphqlErrors} | ${c.loadAverage.toFixed(1)} |`,
    ),
    '',
    '</details>',
    '',
    ...backendTable(summaries, label),
    '### One request at a time (one worker each)',
    '',
    "The same operations sent one by one (different users), after the warm-up: the median latency and the gateway's own CPU per request. On a",
    "saturated machine these are the figures least bent by queueing; the CPU ratio is our gateway's cost per request against the peer's.",
    '',
    '| gateway | operation | requests | median ms | CPU ms/req | ours / this CPU ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...sequentialRows(result).map((p, _, all) => {
      const ours = all.find((o) => o.gateway === 'nexanest' && o.operation === p.operation);
      return `| ${label(p.gateway)} | ${p.operation} | ${p.requests} | ${p.medianMs.toFixed(0)} | ${p.cpuMsPerRequest.toFixed(2)} | ${ours ? ratio(ours.cpuMsPerRequest, p.cpuMsPerRequest) : 'n/a'} |`;
    }),
    '',
    '### Ratios: NexaNest gateway to each peer, at the same worker count',
    '',
    'RPS ratio above 1 and p99 / RSS / CPU ratios below 1 favour ours. RPS, p99 and CPU: median over rounds of the same-round ratio',
    '(RPS with its range); peak RSS: highest round against highest round.',
    '',
    '| operation | conn | peer | workers | rounds | RPS ratio | RPS ratio range | p99 ratio | peak RSS ratio | CPU/req ratio |',
    '| --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  const ours = summaries.filter((c) => c.gateway === 'nexanest');
  for (const o of ours) {
    for (const p of summaries.filter(
      (c) => c.gateway !== 'nexanest' && c.operation === o.operation && c.connections === o.connections && c.workers === o.workers,
    )) {
      const paired = pairedRatio(result.cases, p.gateway, o);
      const x = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(2)}x`);
      lines.push(
        `| ${o.operation} | ${o.connections} | ${label(p.gateway)} | ${p.workers} | ${paired?.rounds ?? 0} | ${x(paired?.rps)} | ${paired ? `${x(paired.rpsMin)} - ${x(paired.rpsMax)}` : 'n/a'} | ${x(paired?.p99)} | ${ratio(o.peakRssMb, p.peakRssMb)} | ${x(paired?.cpu)} |`,
      );
    }
  }
  lines.push(
    '',
    ...targets(
      ours.filter((c) => c.workers === 1),
      result.cases,
      summaries,
    ),
    '',
  );
  if (result.profile) {
    const p = result.profile;
    lines.push(
      `### Where ${p.gateway === 'apollo-stock' ? 'the stock @apollo/gateway' : 'our gateway'} spends its CPU (Dashboard load, \`node --cpu-prof\`)`,
      '',
      `${p.samples} samples (\`${p.file}\`, kept in bench/.run/profile/ after the run). Self time by area:`,
      '',
      '| area | self time |',
      '| --- | ---: |',
      ...p.byArea.map((a) => `| ${a.area} | ${a.percent.toFixed(1)}% |`),
      '',
      'Top functions by self time:',
      '',
      '| function | where | self time |',
      '| --- | --- | ---: |',
      ...p.top.map((t) => `| \`${t.name}\` | ${t.where} | ${t.percent.toFixed(1)}% |`),
      '',
    );
  }
  return lines;
}

/** Where each gateway's load spends CPU on the whole machine, per answered request (medians over rounds). */
function backendTable(summaries: CaseSummary[], label: (name: string) => string): string[] {
  const rows = summaries.filter((c) => c.backend);
  if (rows.length === 0) return [];
  return [
    '### CPU per request on the whole machine',
    '',
    "CPU ms per answered request, median over the rounds: the gateway's process group, the subgraphs' process, PostgreSQL (every",
    '`postgres` process) and Redis, read from /proc before and after each case. The load generator and the rest of the machine are not counted.',
    'What a gateway asks of the subgraphs (how many requests, how many entities) shows in the three columns after its own.',
    '',
    '| gateway | workers | operation | conn | gateway | subgraphs | PostgreSQL | Redis | sum |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((c) => {
      const b = c.backend as NonNullable<CaseSummary['backend']>;
      const sum = c.cpuMsPerRequest + b.subgraphs + b.postgres + b.redis;
      return `| ${label(c.gateway)} | ${c.workers} | ${c.operation} | ${c.connections} | ${c.cpuMsPerRequest.toFixed(1)} | ${b.subgraphs.toFixed(1)} | ${b.postgres.toFixed(1)} | ${b.redis.toFixed(1)} | ${sum.toFixed(1)} |`;
    }),
    '',
  ];
}

/** The sequential probes, one row per gateway and operation: medians over the rounds. */
function sequentialRows(result: GatewaysResult) {
  const groups = new Map<string, NonNullable<GatewaysResult['sequential']>>();
  for (const p of result.sequential ?? []) groups.set(`${p.gateway}|${p.operation}`, [...(groups.get(`${p.gateway}|${p.operation}`) ?? []), p]);
  return [...groups.values()].map((group) => ({
    gateway: (group[0] as (typeof group)[number]).gateway,
    operation: (group[0] as (typeof group)[number]).operation,
    requests: group.reduce((sum, p) => sum + p.requests, 0),
    medianMs: median(group.map((p) => p.medianMs)),
    cpuMsPerRequest: median(group.map((p) => p.cpuMsPerRequest)),
  }));
}

function targets(ours: CaseSummary[], cases: readonly GatewayCase[], summaries: CaseSummary[]): string[] {
  const lines = ['### Targets (Dashboard, one worker each; medians over the rounds of the same-round ratios)', ''];
  // No answer inside the window (rps or p99 of 0) is no measurement: neither met nor missed.
  const verdict = (ok: boolean, measurable: boolean) => (!measurable ? 'not measurable: no answers in the window' : ok ? 'met' : 'NOT met');
  for (const o of ours.filter((c) => c.operation === 'Dashboard')) {
    const on = { workers: 1, operation: 'Dashboard' as const, connections: o.connections };
    const against = (peer: GatewayName, name: string, rpsTarget: number, reach = false) => {
      const paired = pairedRatio(cases, peer, on);
      const theirs = summaries.find((c) => c.gateway === peer && c.workers === 1 && c.operation === 'Dashboard' && c.connections === o.connections);
      if (!paired || !theirs) return;
      const range = paired.rounds > 1 ? ` (rounds ${paired.rpsMin.toFixed(2)}x - ${paired.rpsMax.toFixed(2)}x)` : '';
      const rpsPart = `RPS ${paired.rps.toFixed(2)}x ${name}${range} (${reach ? 'reach for' : 'target'} ${rpsTarget.toFixed(1)}x: ${verdict(paired.rps >= rpsTarget, true)})`;
      const p99Part = reach
        ? ''
        : `, p99 ${paired.p99.toFixed(2)}x theirs, medians ${o.p99} vs ${theirs.p99} ms (${verdict(paired.p99 <= 1, Number.isFinite(paired.p99))})`;
      lines.push(`- c=${o.connections}: ${rpsPart}${p99Part}`);
    };
    against('apollo-stock', 'stock @apollo/gateway', 1.5);
    against('hive', 'Hive Gateway', 1.0);
    against('hive-router', 'Hive Gateway with the router runtime', 1.0, true);
    lines.push(
      `- c=${o.connections}: our gateway's peak RSS ${o.peakRssMb.toFixed(0)} MB, highest of ${o.rounds} round(s) (target at most 300 MB: ${verdict(o.peakRssMb <= 300, o.peakRssMb > 0)})`,
    );
  }
  return lines;
}
