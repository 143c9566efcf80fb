// npm run bench:cold-start — seconds from spawning `npm start` to the demo user's first answered
// Dashboard: on an empty data directory (initdb, migrations, demo history, demo user), then warm
// on the same one; BENCH_RUNS times each. Own ports, data directory and Redis namespace.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dropRedisNamespace, uniqueName } from '@nexanest/testing';
import { operation } from '../../test/support/operations.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 180) * 1000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Under the (git-ignored) .data: the embedded server runs as the postgres user and must reach it.
const DATA_DIR = process.env.BENCH_DATA_DIR ?? `${ROOT}.data/cold-start-bench`;
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const DASHBOARD = JSON.stringify({ query: operation('Dashboard'), operationName: 'Dashboard' });

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function post(url: string, body: string, token?: string): Promise<{ data?: Record<string, unknown> | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return (await response.json()) as { data?: Record<string, unknown> | null };
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops the whole process group (npm, tsx, node, postgres) and waits until none of it is left. */
async function stop(child: ChildProcess): Promise<void> {
  const pgid = child.pid as number;
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGTERM');
  const deadline = performance.now() + 30_000;
  while (groupAlive(pgid)) {
    if (performance.now() > deadline) process.kill(-pgid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Timing {
  /** To the first answered Dashboard: the figure. */
  seconds: number;
  /** To the gateway's first answer of any kind (a failed login included). */
  gatewaySeconds: number;
  /** The launcher's "Started in ..." line. */
  phases: string;
}

async function timeToDashboard(env: NodeJS.ProcessEnv, gatewayUrl: string): Promise<Timing> {
  const started = performance.now();
  let gatewaySeconds = Number.NaN;
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    while (performance.now() - started < TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`npm start exited: ${output.slice(-1500)}`);
      try {
        const login = await post(gatewayUrl, JSON.stringify({ query: LOGIN, variables: { e: 'demo@nexanest.local', p: 'demo_dev_password' } }));
        if (Number.isNaN(gatewaySeconds)) gatewaySeconds = (performance.now() - started) / 1000;
        const token = (login.data?.login as { accessToken?: string } | undefined)?.accessToken;
        if (token && (await post(gatewayUrl, DASHBOARD, token)).data?.me) {
          const seconds = (performance.now() - started) / 1000;
          // The launcher's phase line comes once the demo ledger is recorded too: not timed.
          for (let wait = 0; wait < 150 && !/^Started in /m.test(output); wait++) await new Promise((resolve) => setTimeout(resolve, 100));
          return { seconds, gatewaySeconds, phases: /^Started in .*$/m.exec(output)?.[0] ?? '' };
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no Dashboard answer within ${TIMEOUT_MS / 1000} s: ${output.slice(-1500)}`);
  } finally {
    await stop(child);
  }
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const namespace = uniqueName('nn_bench_cold');
const [gateway, auth, portfolio, market, analytics, notifications, pg] = (await Promise.all(Array.from({ length: 7 }, freePort))).map(String);
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NEXANEST_DATA_DIR: DATA_DIR,
  NEXANEST_NAMESPACE: namespace,
  EMBEDDED_PG_PORT: pg,
  GATEWAY_PORT: gateway,
  AUTH_PORT: auth,
  PORTFOLIO_PORT: portfolio,
  MARKET_PORT: market,
  ANALYTICS_PORT: analytics,
  NOTIFICATIONS_PORT: notifications,
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  // off: the launcher's sources through tsx, as before the bundle (to compare on the same machine).
  ...(process.env.NEXANEST_LAUNCHER_BUNDLE ? { NEXANEST_LAUNCHER_BUNDLE: process.env.NEXANEST_LAUNCHER_BUNDLE } : {}),
};
const gatewayUrl = `http://127.0.0.1:${gateway}/graphql`;
const figures: Record<'first' | 'warm', number[]> = { first: [], warm: [] };
const mode = env.NEXANEST_LAUNCHER_BUNDLE === 'off' ? 'sources through tsx' : 'launcher bundle';
console.log(`Cold start of npm start to the first answered Dashboard, ${RUNS} x (first run, warm start), ${mode}; data in ${DATA_DIR}`);
try {
  for (let run = 1; run <= RUNS; run++) {
    rmSync(DATA_DIR, { recursive: true, force: true });
    for (const kind of ['first', 'warm'] as const) {
      const before = loadAverage();
      const { seconds, gatewaySeconds, phases } = await timeToDashboard(env, gatewayUrl);
      figures[kind].push(seconds);
      console.log(`  ${kind.padEnd(5)} #${run}  ${seconds.toFixed(1).padStart(5)} s  (gateway up ${gatewaySeconds.toFixed(1)} s)  load ${before}  ${phases}`);
    }
  }
  for (const kind of ['first', 'warm'] as const) {
    const sorted = [...figures[kind]].sort((a, b) => a - b);
    console.log(`${kind}: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} s (${figures[kind].map((s) => s.toFixed(1)).join(', ')})`);
  }
} finally {
  rmSync(DATA_DIR, { recursive: true, force: true });
  await dropRedisNamespace(namespace).catch(() => {});
}
process.exit(0);
