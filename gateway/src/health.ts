import type express from 'express';
import { probeRedis, type RedisTarget } from '@nexanest/bus';
import { type HealthCheck, type HealthReport, runHealthChecks } from '@nexanest/graphql';

/** Which checks of the subgraphs' readiness reports each dependency endpoint gathers. */
const DEPENDENCY_CHECKS = { postgres: 'postgres', timescale: 'timescale', redis: 'redis' } as const;

export interface GatewayHealthOptions {
  subgraphUrls: Record<string, string>;
  /** The gateway's own Redis (session revocations); null when it runs without. */
  redis: RedisTarget | null;
  timeoutMs: number;
}

/** A subgraph's readiness report, fetched from its /health/ready within the timeout. */
async function subgraphReport(graphqlUrl: string, timeoutMs: number): Promise<HealthReport> {
  const response = await fetch(new URL('/health/ready', graphqlUrl), { signal: AbortSignal.timeout(timeoutMs) });
  const report = (await response.json()) as HealthReport;
  if (!report || typeof report.checks !== 'object') throw new Error('malformed readiness report');
  return report;
}

/**
 * The gateway never opens a database: its readiness asks every subgraph's /health/ready (each
 * checks its own PostgreSQL, TimescaleDB and Redis) and pings its own Redis. /health/postgres,
 * /health/timescale and /health/redis show one kind of dependency across the services.
 * Every answer is 200 when all checks pass and 503 otherwise, with each check's result.
 */
export function mountGatewayHealth(app: express.Express, options: GatewayHealthOptions): void {
  const reports = async () => {
    const entries = await Promise.all(
      Object.entries(options.subgraphUrls).map(async ([name, url]) => {
        try {
          return [name, await subgraphReport(url, options.timeoutMs)] as const;
        } catch {
          return [name, null] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  };
  const ownRedis = (): Record<string, HealthCheck> =>
    options.redis ? { 'gateway.redis': () => probeRedis(options.redis as RedisTarget, options.timeoutMs).then(requireTrue) } : {};
  const send = (res: express.Response, report: HealthReport) => res.status(report.status === 'ok' ? 200 : 503).json(report);

  app.get('/health/ready', async (_req, res) => {
    const bySubgraph = await reports();
    const checks = Object.fromEntries(Object.entries(bySubgraph).map(([name, report]) => [name, async () => requireOk(report)]));
    send(res, await runHealthChecks({ ...checks, ...ownRedis() }, options.timeoutMs));
  });
  for (const [path, check] of Object.entries(DEPENDENCY_CHECKS)) {
    app.get(`/health/${path}`, async (_req, res) => {
      const bySubgraph = await reports();
      const checks: Record<string, HealthCheck> = {};
      for (const [name, report] of Object.entries(bySubgraph)) {
        // A subgraph that did not answer may well use this dependency: it counts as failing.
        if (!report) checks[`${name}.${check}`] = async () => requireOk(null);
        else if (report.checks[check]) checks[`${name}.${check}`] = async () => requireTrue(report.checks[check]?.ok);
      }
      send(res, await runHealthChecks(check === 'redis' ? { ...checks, ...ownRedis() } : checks, options.timeoutMs));
    });
  }
}

function requireOk(report: HealthReport | null): void {
  if (report?.status !== 'ok') throw new Error('not ready');
}

function requireTrue(ok: boolean | undefined): void {
  if (!ok) throw new Error('failing');
}
