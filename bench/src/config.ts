// Settings of one bench run. Every figure in RESULTS.md comes from these; env overrides are
// for quick local runs (BENCH_DURATION=3 npm run bench).
import { cpus } from 'node:os';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const settings = {
  /** Seconds of measured load per case (after a warm-up of `warmupSeconds`). */
  durationSeconds: num('BENCH_DURATION', 10),
  warmupSeconds: num('BENCH_WARMUP', 3),
  connections: (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number),
  /**
   * Rounds of scenario 1 at one worker: every gateway is measured once per round, in an order
   * rotated from round to round, and RESULTS.md reports medians over the rounds (report-gateways.ts).
   */
  rounds: num('BENCH_ROUNDS', 3),
  /** Rounds at all cores (one by default: the targets are judged at one worker). */
  allCoresRounds: num('BENCH_ALL_CORES_ROUNDS', 1),
  /** "All cores": one worker per core the machine reports. */
  allCores: num('BENCH_ALL_CORES', cpus().length),
  users: num('BENCH_USERS', 1000),
  portfoliosPerUser: 3,
  holdingsPerPortfolio: 20,
  instruments: 500,
  historyDays: num('BENCH_HISTORY_DAYS', 730),
  /** Seed of every generated figure: two runs load the same data. */
  seed: 20_261_202,
  /** Which gateways scenario 1 measures (empty: the four that are not optional). */
  gateways: process.env.BENCH_GATEWAYS ?? '',
  /** Which parts run (comma list of: gateways,cost,fanout,ingest,coldstart). */
  parts: new Set((process.env.BENCH_PARTS ?? 'gateways,cost,fanout,ingest,coldstart').split(',')),
} as const;

/** Secrets of the bench stack only: the gateways and subgraphs of this run share them. */
export const secrets = {
  JWT_SECRET: 'bench-only-jwt-secret-0123456789abcdef',
  GATEWAY_IDENTITY_SECRET: 'bench-only-identity-secret-0123456789abcdef',
} as const;
