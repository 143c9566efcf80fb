// Scenario 1: Dashboard and PortfolioDetail through each gateway, same subgraphs, same data,
// same load (autocannon, 16 and 64 connections, a different user's token on every request),
// one worker each and then one per core.
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { settings } from '../config.ts';
import type { BenchUser } from '../dataset.ts';
import { BENCH, GATEWAYS, type GatewayName, type Subgraphs, startGateway, waitUntilAnswering } from '../gateways.ts';
import { post } from '../graphql-request.ts';
import { runLoad, type LoadResult } from '../load.ts';
import { bodyFor, OPERATIONS, type OperationName } from '../operations.ts';
import { backendCpu, cpuSince, groupUsage, sampleGroup } from '../procs.ts';
import { type ProfileSummary, summariseProfile } from '../profile.ts';
import { mintTokens } from '../tokens.ts';

export interface GatewayCase extends LoadResult {
  gateway: GatewayName;
  workers: number;
  /** Which round of the scenario (0-based); every gateway is measured once per round. */
  round: number;
  operation: OperationName;
  connections: number;
  peakRssMb: number;
  cpuMsPerRequest: number;
  /** The machine's 1-minute load average at the end of the case. */
  loadAverage: number;
  /** CPU ms per answered request outside the gateway: the subgraphs' process, PostgreSQL, Redis. */
  backendCpuMsPerRequest?: { subgraphs: number; postgres: number; redis: number };
}

export interface GatewaysResult {
  /** Rounds run per worker count. */
  rounds: Record<number, number>;
  cases: GatewayCase[];
  /** Per gateway: whether its answers equal our gateway's for the checked users. */
  sameAnswers: Record<string, string>;
  commands: Record<string, string>;
  profile?: ProfileSummary | null;
  sequential: SequentialProbe[];
}

/** One request at a time: the gateway's own CPU per request and the latency, unaffected by queueing. */
export interface SequentialProbe {
  gateway: GatewayName;
  round: number;
  operation: OperationName;
  requests: number;
  medianMs: number;
  cpuMsPerRequest: number;
}

const SEQUENTIAL_REQUESTS = Number(process.env.BENCH_SEQUENTIAL ?? 30);

async function sequentialProbe(url: string, pid: number, request: (i: number) => { token: string; body: string }) {
  const before = groupUsage(pid);
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL_REQUESTS; i++) {
    const { token, body } = request(7919 * (i + 1));
    const started = performance.now();
    await post(url, body, token);
    times.push(performance.now() - started);
  }
  const cpu = groupUsage(pid).cpu - before.cpu;
  times.sort((a, b) => a - b);
  return { requests: SEQUENTIAL_REQUESTS, medianMs: times[Math.floor(times.length / 2)] ?? 0, cpuMsPerRequest: (cpu * 1000) / SEQUENTIAL_REQUESTS };
}

const CHECKED_USERS = 3;
const WARM_CONNECTIONS = 16;

/**
 * One pass over every user's Dashboard and every portfolio's PortfolioDetail, before the first
 * gateway is measured: the subgraphs' caches (portfolio's read cache, market's latest prices)
 * and PostgreSQL's buffers start warm for every gateway alike, not cold for whichever runs first.
 */
async function warmSubgraphs(url: string, users: BenchUser[], tokens: string[]) {
  const work: { token: string; body: string }[] = [];
  users.forEach((user, u) => {
    const token = tokens[u] as string;
    work.push({ token, body: bodyFor('Dashboard', user) });
    for (let n = 0; n < user.portfolioIds.length; n++) work.push({ token, body: bodyFor('PortfolioDetail', user, n) });
  });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    for (let item = work[next++]; item; item = work[next++]) {
      const answer = await post(url, item.body, item.token);
      if (answer.errors) failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WARM_CONNECTIONS }, worker));
  return { requests: work.length, failed, seconds: (performance.now() - started) / 1000 };
}

const firstError = (answers: string[]) => {
  for (const answer of answers) {
    const message = (JSON.parse(answer) as { errors?: { message?: string }[] }).errors?.[0]?.message;
    if (message) return ` (first: "${message}")`;
  }
  return '';
};

/** The gateways of this run in round `round`'s order: rotated by one place per round, so none is always measured first or last. */
export function roundOrder<T>(gateways: readonly T[], round: number): T[] {
  const shift = gateways.length === 0 ? 0 : round % gateways.length;
  return [...gateways.slice(shift), ...gateways.slice(0, shift)];
}

export async function runGatewayScenario(
  users: BenchUser[],
  subgraphs: Subgraphs,
  supergraphPath: string,
  log: (line: string) => void,
): Promise<GatewaysResult> {
  const only = process.env.BENCH_GATEWAYS?.split(',');
  const selected = GATEWAYS.filter((g) => (only ? only.includes(g.name) : !g.optional));
  const result: GatewaysResult = { rounds: {}, cases: [], sequential: [], sameAnswers: {}, commands: {} };
  const state: MeasureState = { warmed: false, reference: null };
  const workerCounts = settings.allCores > 1 ? [1, settings.allCores] : [1];
  for (const workers of workerCounts) {
    const rounds = Math.max(1, workers === 1 ? settings.rounds : settings.allCoresRounds);
    result.rounds[workers] = rounds;
    for (let round = 0; round < rounds; round++) {
      const order = roundOrder(
        selected.filter((g) => workers === 1 || g.clusters),
        round,
      );
      log(`  x${workers} round ${round + 1} of ${rounds}: ${order.map((g) => g.name).join(', ')}`);
      for (const gateway of order) {
        // Access tokens live 15 minutes and a run of rounds lasts longer: fresh ones for every gateway.
        const fresh = await mintTokens(users);
        await measureGateway({ name: gateway.name, workers, round }, { users, tokens: fresh, subgraphs, supergraphPath, log }, state, result);
      }
    }
  }
  // BENCH_PROFILE: which gateway runs under --cpu-prof (ours unless told; 0 for none).
  const profiled = process.env.BENCH_PROFILE ?? 'nexanest';
  result.profile =
    profiled === '0'
      ? null
      : await profileGateway(profiled === 'apollo-stock' ? 'apollo-stock' : 'nexanest', users, await mintTokens(users), subgraphs, supergraphPath, log);
  return result;
}

interface MeasureInput {
  users: BenchUser[];
  tokens: string[];
  subgraphs: Subgraphs;
  supergraphPath: string;
  log: (line: string) => void;
}

/** What carries from one gateway's measurement to the next: the warm pass is done once, answers compare with the first gateway's. */
interface MeasureState {
  warmed: boolean;
  reference: string[] | null;
}

/** Starts one gateway, checks its answers, measures both operations at every concurrency, and stops it. */
async function measureGateway(
  which: { name: GatewayName; workers: number; round: number },
  input: MeasureInput,
  state: MeasureState,
  result: GatewaysResult,
): Promise<void> {
  const { users, tokens, log } = input;
  const { name, workers, round } = which;
  const key = `${name} x${workers}`;
  const running = await startGateway(name, workers, input.subgraphs, input.supergraphPath);
  result.commands[key] = running.command;
  try {
    await waitUntilAnswering(running, async () => {
      const answer = await post(running.url, bodyFor('Dashboard', users[0] as BenchUser), tokens[0]);
      // Ready once it answers with data; wrong answers (errors) are recorded by the check below.
      return answer.data && (answer.data as { me?: unknown }).me ? null : JSON.stringify(answer.errors ?? answer).slice(0, 1500);
    });
    if (!state.warmed) {
      const warm = await warmSubgraphs(running.url, users, tokens);
      state.warmed = true;
      log(`  subgraphs warmed through ${name}: ${warm.requests} requests (${warm.failed} with errors) in ${warm.seconds.toFixed(0)} s`);
    }
    const answers = await answersOf(running.url, users, tokens);
    state.reference ??= answers;
    const differing = answers.filter((answer, i) => answer !== state.reference?.[i]).length;
    const withErrors = answers.filter((answer) => answer.includes('"errors"')).length;
    // A gateway that answered differently in any round keeps that finding.
    if ((result.sameAnswers[key] ?? 'identical') === 'identical') {
      result.sameAnswers[key] =
        differing === 0 && withErrors === 0 ? 'identical' : `${differing} of ${answers.length} differ, ${withErrors} with errors${firstError(answers)}`;
    }
    for (const operation of OPERATIONS) {
      const request = (i: number) => {
        const u = i % users.length;
        return { token: tokens[u] as string, body: bodyFor(operation, users[u] as BenchUser, Math.floor(i / users.length)) };
      };
      // Warm-up: JIT, query-plan caches, connection pools; not measured.
      await runLoad({ url: running.url, connections: settings.connections[0] ?? 16, seconds: settings.warmupSeconds, request });
      if (workers === 1) {
        const probe = await sequentialProbe(running.url, running.proc.pid, request);
        result.sequential.push({ gateway: name, operation, round, ...probe });
        log(`${name.padEnd(12)} x1 ${operation.padEnd(15)} sequential: ${probe.medianMs.toFixed(0)} ms median, ${probe.cpuMsPerRequest.toFixed(2)} CPU ms/req`);
      }
      for (const connections of settings.connections) {
        const stop = sampleGroup(running.proc.pid);
        const backendBefore = backendCpu(input.subgraphs.pid);
        const load = await runLoad({ url: running.url, connections, seconds: settings.durationSeconds, request });
        const backendAfter = backendCpu(input.subgraphs.pid);
        const usage = stop();
        const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, load.requests);
        const loadAverage = loadavg()[0] ?? 0;
        const row: GatewayCase = {
          gateway: name,
          workers,
          round,
          operation,
          connections,
          ...load,
          peakRssMb: usage.peakRss / 1024 / 1024,
          cpuMsPerRequest: perRequest(usage.cpuSeconds),
          loadAverage,
          backendCpuMsPerRequest: {
            subgraphs: perRequest(cpuSince(backendBefore.subgraphs, backendAfter.subgraphs)),
            postgres: perRequest(cpuSince(backendBefore.postgres, backendAfter.postgres)),
            redis: perRequest(cpuSince(backendBefore.redis, backendAfter.redis)),
          },
        };
        result.cases.push(row);
        log(
          `${name.padEnd(12)} x${workers} ${operation.padEnd(15)} c=${String(connections).padEnd(3)} rps=${load.rps.toFixed(1)} p50=${load.p50} p99=${load.p99} rss=${row.peakRssMb.toFixed(0)}MB cpu/req=${row.cpuMsPerRequest.toFixed(2)}ms subgraphs/pg/redis=${Object.values(
            row.backendCpuMsPerRequest ?? {},
          )
            .map((n) => n.toFixed(1))
            .join('/')}ms load=${loadAverage.toFixed(1)} errors=${load.errors + load.non2xx + load.graphqlErrors}`,
        );
        for (const [kind, count] of Object.entries(load.graphqlErrorKinds)) log(`  ${count} x ${kind}`);
      }
    }
  } finally {
    await running.proc.stop();
  }
}

/** Dashboard and PortfolioDetail of the first users, as JSON, to compare gateways' answers. */
async function answersOf(url: string, users: BenchUser[], tokens: string[]): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < CHECKED_USERS; i++) {
    for (const op of OPERATIONS) answers.push(JSON.stringify(await post(url, bodyFor(op, users[i] as BenchUser), tokens[i])));
  }
  return answers;
}

/** A gateway again (ours, or the stock one to compare), under `node --cpu-prof`, with the Dashboard load at the first connection count. */
async function profileGateway(
  name: 'nexanest' | 'apollo-stock',
  users: BenchUser[],
  tokens: string[],
  subgraphs: Subgraphs,
  supergraphPath: string,
  log: (line: string) => void,
) {
  const dir = `${BENCH}.run/profile`;
  rmSync(dir, { recursive: true, force: true });
  const running = await startGateway(name, 1, subgraphs, supergraphPath, ['--cpu-prof', '--cpu-prof-dir', dir]);
  try {
    await waitUntilAnswering(running, async () => ((await post(running.url, bodyFor('Dashboard', users[0] as BenchUser), tokens[0])).data ? null : 'no data'));
    const request = (i: number) => ({ token: tokens[i % users.length] as string, body: bodyFor('Dashboard', users[i % users.length] as BenchUser) });
    await runLoad({ url: running.url, connections: settings.connections[0] ?? 16, seconds: settings.durationSeconds, request });
  } finally {
    await running.proc.stop();
  }
  const summary = summariseProfile(dir, settings.durationSeconds, name);
  log(`  profile: ${summary ? summary.byArea.map((a) => `${a.area} ${a.percent.toFixed(1)}%`).join(', ') : 'none written'}`);
  return summary;
}
