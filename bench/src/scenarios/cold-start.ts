// Scenario 5: `npm start` (embedded PostgreSQL, migrations, two years of demo prices, demo user)
// until the demo user's first Dashboard is answered: first on an empty data directory, then warm
// on the same one. Its own ports, data directory and Redis namespace; everything removed after.
import { rmSync } from 'node:fs';
import { dropRedisNamespace, freePort, uniqueName } from '@nexanest/testing';
import { BENCH, ROOT } from '../gateways.ts';
import { post } from '../graphql-request.ts';
import { bodyFor } from '../operations.ts';
import { startProc } from '../procs.ts';

export interface ColdStartResult {
  command: string;
  firstSeconds: number | null;
  warmSeconds: number | null;
  note?: string;
}

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

async function timeToDashboard(env: NodeJS.ProcessEnv, gatewayUrl: string): Promise<number> {
  const started = performance.now();
  const proc = startProc('npm', ['start'], { cwd: ROOT, env, killAfterMs: 30_000 });
  try {
    while (performance.now() - started < 180_000) {
      if (proc.child.exitCode !== null) throw new Error(`npm start exited: ${proc.output().slice(-1500)}`);
      try {
        const login = (await post(gatewayUrl, JSON.stringify({ query: LOGIN, variables: { e: 'demo@nexanest.local', p: 'demo_dev_password' } }))) as {
          data?: { login?: { accessToken: string } };
        };
        const token = login.data?.login?.accessToken;
        if (token) {
          const dashboard = (await post(gatewayUrl, bodyFor('Dashboard', { userId: '', sessionId: '', email: '', portfolioIds: [], holdings: 0 }), token)) as {
            data?: { me?: unknown };
          };
          if (dashboard.data?.me) return (performance.now() - started) / 1000;
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no Dashboard answer within 180 s');
  } finally {
    await proc.stop();
  }
}

export async function runColdStart(log: (line: string) => void): Promise<ColdStartResult> {
  const dataDir = `${BENCH}.run/cold-start-data`;
  rmSync(dataDir, { recursive: true, force: true });
  const namespace = uniqueName('nn_bench_start');
  const ports = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const [gateway, auth, portfolio, market, analytics, notifications, pg] = ports.map(String);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NEXANEST_DATA_DIR: dataDir,
    NEXANEST_NAMESPACE: namespace,
    EMBEDDED_PG_PORT: pg,
    GATEWAY_PORT: gateway,
    AUTH_PORT: auth,
    PORTFOLIO_PORT: portfolio,
    MARKET_PORT: market,
    ANALYTICS_PORT: analytics,
    NOTIFICATIONS_PORT: notifications,
  };
  const command = 'NEXANEST_DATA_DIR=<empty dir> npm start, then the same again (ports moved off 8000-8006 and 5433)';
  const gatewayUrl = `http://127.0.0.1:${gateway}/graphql`;
  try {
    const firstSeconds = await timeToDashboard(env, gatewayUrl);
    log(`  first run: ${firstSeconds.toFixed(1)} s to the first Dashboard`);
    const warmSeconds = await timeToDashboard(env, gatewayUrl);
    log(`  warm start: ${warmSeconds.toFixed(1)} s`);
    return { command, firstSeconds, warmSeconds };
  } catch (error) {
    log(`  failed: ${String(error).slice(0, 500)}`);
    return { command, firstSeconds: null, warmSeconds: null, note: String(error).slice(0, 1000) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await dropRedisNamespace(namespace).catch(() => {});
  }
}
