// The scenario 1 section of RESULTS.md: every case, then our gateway's ratios to each peer.
import type { settings as Settings } from './config.ts';
import { GATEWAYS } from './gateways.ts';
import type { GatewayCase, GatewaysResult } from './scenarios/gateways.ts';

const f1 = (n: number) => n.toFixed(1);
const ratio = (a: number, b: number) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

export function gatewaySection(result: GatewaysResult, s: typeof Settings, origin: string[] = []): string[] {
  const label = (name: string) => GATEWAYS.find((g) => g.name === name)?.label ?? name;
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
    'Commands (from the repository root; ports and secrets set by the harness):',
    '',
    ...Object.entries(result.commands).map(([name, command]) => `- ${name}: \`${command}\``),
    '',
    `Answers checked against our gateway's (Dashboard and PortfolioDetail for 3 users): ${Object.entries(result.sameAnswers)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}.`,
    '',
    '| gateway | workers | operation | conn | RPS | p50 ms | p99 ms | peak RSS MB | CPU ms/req | requests | errors | load avg |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.cases.map(
      (c) =>
        `| ${label(c.gateway)} | ${c.workers} | ${c.operation} | ${c.connections} | ${f1(c.rps)} | ${c.p50} | ${c.p99} | ${c.peakRssMb.toFixed(0)} | ${c.cpuMsPerRequest.toFixed(2)} | ${c.requests} | ${c.errors + c.non2xx + c.graphqlErrors} | ${c.loadAverage.toFixed(1)} |`,
    ),
    '',
    '### One request at a time (one worker each)',
    '',
    "The same operations sent one by one (different users), after the warm-up: the median latency and the gateway's own CPU per request. On a",
    "saturated machine these are the figures least bent by queueing; the CPU ratio is our gateway's cost per request against the peer's.",
    '',
    '| gateway | operation | requests | median ms | CPU ms/req | ours / this CPU ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...(result.sequential ?? []).map((p) => {
      const ours = (result.sequential ?? []).find((o) => o.gateway === 'nexanest' && o.operation === p.operation);
      return `| ${label(p.gateway)} | ${p.operation} | ${p.requests} | ${p.medianMs.toFixed(0)} | ${p.cpuMsPerRequest.toFixed(2)} | ${ours ? ratio(ours.cpuMsPerRequest, p.cpuMsPerRequest) : 'n/a'} |`;
    }),
    '',
    '### Ratios: NexaNest gateway to each peer, at the same worker count',
    '',
    'RPS ratio above 1 and p99 / RSS / CPU ratios below 1 favour ours.',
    '',
    '| operation | conn | peer | workers | RPS ratio | p99 ratio | peak RSS ratio | CPU/req ratio |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ours = result.cases.filter((c) => c.gateway === 'nexanest');
  for (const o of ours) {
    const peers = result.cases.filter(
      (c) => c.gateway !== 'nexanest' && c.operation === o.operation && c.connections === o.connections && c.workers === o.workers,
    );
    for (const p of peers) {
      lines.push(
        `| ${o.operation} | ${o.connections} | ${label(p.gateway)} | ${p.workers} | ${ratio(o.rps, p.rps)} | ${ratio(o.p99, p.p99)} | ${ratio(o.peakRssMb, p.peakRssMb)} | ${ratio(o.cpuMsPerRequest, p.cpuMsPerRequest)} |`,
      );
    }
  }
  lines.push(
    '',
    ...targets(
      ours.filter((c) => c.workers === 1),
      result.cases,
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

function targets(ours: GatewayCase[], cases: GatewayCase[]): string[] {
  const at = (gateway: string, operation: string, connections: number, workers = 1) =>
    cases.find((c) => c.gateway === gateway && c.operation === operation && c.connections === connections && c.workers === workers);
  const lines = ['### Targets (Dashboard, one worker each)', ''];
  for (const o of ours.filter((c) => c.operation === 'Dashboard')) {
    const stock = at('apollo-stock', 'Dashboard', o.connections);
    const hive = at('hive', 'Dashboard', o.connections);
    const router = at('hive-router', 'Dashboard', o.connections);
    // No answer inside the window (rps or p99 of 0) is no measurement: neither met nor missed.
    const verdict = (ok: boolean, ...figures: number[]) => (figures.some((n) => n <= 0) ? 'not measurable: no answers in the window' : ok ? 'met' : 'NOT met');
    if (stock)
      lines.push(
        `- c=${o.connections}: RPS ${ratio(o.rps, stock.rps)} stock @apollo/gateway (target 1.5x: ${verdict(o.rps >= 1.5 * stock.rps, o.rps, stock.rps)}), p99 ${o.p99} vs ${stock.p99} ms (${verdict(o.p99 <= stock.p99, o.p99, stock.p99)})`,
      );
    if (hive)
      lines.push(
        `- c=${o.connections}: RPS ${ratio(o.rps, hive.rps)} Hive Gateway (target 1.0x: ${verdict(o.rps >= hive.rps, o.rps, hive.rps)}), p99 ${o.p99} vs ${hive.p99} ms (${verdict(o.p99 <= hive.p99, o.p99, hive.p99)})`,
      );
    if (router)
      lines.push(
        `- c=${o.connections}: RPS ${ratio(o.rps, router.rps)} Hive Gateway with the router runtime (reach for 1.0x: ${verdict(o.rps >= router.rps, o.rps, router.rps)})`,
      );
    lines.push(
      `- c=${o.connections}: our gateway's peak RSS ${o.peakRssMb.toFixed(0)} MB (target at most 300 MB: ${verdict(o.peakRssMb <= 300, o.peakRssMb)})`,
    );
  }
  return lines;
}
