// Scenario 1's rounds, summarised: each gateway is measured once per round, and a figure is
// reported as the median over the rounds. Ratios pair our gateway with a peer within the same
// round (measured minutes apart), then take the median over rounds, so one round on a busy
// machine cannot decide a target.
import type { GatewayName } from './gateways.ts';
import type { OperationName } from './operations.ts';
import type { GatewayCase } from './scenarios/gateways.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One gateway's case (operation, connections, workers) over all rounds. */
export interface CaseSummary {
  gateway: GatewayName;
  workers: number;
  operation: OperationName;
  connections: number;
  rounds: number;
  rps: number;
  rpsEach: number[];
  p50: number;
  p99: number;
  /** The highest peak RSS of any round: the target is a ceiling. */
  peakRssMb: number;
  cpuMsPerRequest: number;
  /** Medians of the CPU ms per request spent outside the gateway (absent in runs before they were measured). */
  backend?: { subgraphs: number; postgres: number; redis: number };
  requests: number;
  errors: number;
}

const caseKey = (c: { gateway: string; workers: number; operation: string; connections: number }) =>
  `${c.gateway}|${c.workers}|${c.operation}|${c.connections}`;
const roundOf = (c: GatewayCase) => c.round ?? 0;

export function summariseCases(cases: readonly GatewayCase[]): CaseSummary[] {
  const groups = new Map<string, GatewayCase[]>();
  for (const c of cases) groups.set(caseKey(c), [...(groups.get(caseKey(c)) ?? []), c]);
  return [...groups.values()].map((group) => {
    const first = group[0] as GatewayCase;
    const ordered = [...group].sort((a, b) => roundOf(a) - roundOf(b));
    return {
      gateway: first.gateway,
      workers: first.workers,
      operation: first.operation,
      connections: first.connections,
      rounds: group.length,
      rps: median(group.map((c) => c.rps)),
      rpsEach: ordered.map((c) => c.rps),
      p50: median(group.map((c) => c.p50)),
      p99: median(group.map((c) => c.p99)),
      peakRssMb: Math.max(...group.map((c) => c.peakRssMb)),
      cpuMsPerRequest: median(group.map((c) => c.cpuMsPerRequest)),
      backend: backendMedians(group),
      requests: group.reduce((sum, c) => sum + c.requests, 0),
      errors: group.reduce((sum, c) => sum + c.errors + c.non2xx + c.graphqlErrors, 0),
    };
  });
}

function backendMedians(group: readonly GatewayCase[]): CaseSummary['backend'] {
  // A negative figure (runs before cpuSince): a process exited mid-case and took its CPU time along.
  const measured = group.flatMap((c) => {
    const b = c.backendCpuMsPerRequest;
    return b && b.subgraphs >= 0 && b.postgres >= 0 && b.redis >= 0 ? [b] : [];
  });
  if (measured.length === 0) return undefined;
  return {
    subgraphs: median(measured.map((b) => b.subgraphs)),
    postgres: median(measured.map((b) => b.postgres)),
    redis: median(measured.map((b) => b.redis)),
  };
}

export interface PairedRatio {
  /** Median over rounds of ours / peer (RPS, p99, CPU per request), and the range. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p99: number;
  cpu: number;
  rounds: number;
}

/** Ours against `peer` on one case, paired round by round (rounds where either has no figure are left out). */
export function pairedRatio(
  cases: readonly GatewayCase[],
  peer: GatewayName,
  on: Pick<GatewayCase, 'workers' | 'operation' | 'connections'>,
): PairedRatio | null {
  const pick = (gateway: string) => new Map(cases.filter((c) => caseKey(c) === caseKey({ ...on, gateway })).map((c) => [roundOf(c), c] as const));
  const ours = pick('nexanest');
  const theirs = pick(peer);
  const rps: number[] = [];
  const p99: number[] = [];
  const cpu: number[] = [];
  for (const [round, o] of ours) {
    const p = theirs.get(round);
    if (!p || p.rps <= 0 || o.rps <= 0) continue;
    rps.push(o.rps / p.rps);
    if (o.p99 > 0 && p.p99 > 0) p99.push(o.p99 / p.p99);
    if (p.cpuMsPerRequest > 0) cpu.push(o.cpuMsPerRequest / p.cpuMsPerRequest);
  }
  if (rps.length === 0) return null;
  return { rps: median(rps), rpsMin: Math.min(...rps), rpsMax: Math.max(...rps), p99: median(p99), cpu: median(cpu), rounds: rps.length };
}
