// Processes of a bench run: started in their own process group (a gateway's cluster workers
// included), measured from /proc (peak RSS and CPU time of the whole group), stopped by group id.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processStats } from '@nexanest/testing';

export interface Proc {
  child: ChildProcess;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export function startProc(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; killAfterMs?: number }): Proc {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid as number;
  return {
    child,
    pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const killAll = () => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
      };
      const deadline = performance.now() + (options.killAfterMs ?? 5000);
      const timer = setTimeout(killAll, options.killAfterMs ?? 5000);
      await exited;
      clearTimeout(timer);
      // The rest of the group (cluster workers, a launcher behind npm and its embedded PostgreSQL)
      // may still be shutting down: let it finish until the deadline, then kill what is left, and
      // return only once the whole group is gone (a next run may need its ports and data).
      while (groupPids(pid).length > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      if (groupPids(pid).length > 0) killAll();
      for (let i = 0; i < 50 && groupPids(pid).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    },
  };
}

/** The live processes of the group led by `pgid`. */
const groupStats = (pgid: number) => processStats().filter((p) => p.pgid === pgid && p.state !== 'Z');

/** Pids of the process group led by `pgid`. */
export function groupPids(pgid: number): number[] {
  return groupStats(pgid).map((p) => p.pid);
}

/** RSS (bytes) and CPU time (seconds, user + system) of a process group, now. */
export function groupUsage(pgid: number): { rss: number; cpu: number } {
  let rss = 0;
  let cpu = 0;
  for (const process of groupStats(pgid)) {
    try {
      const status = readFileSync(`/proc/${process.pid}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      cpu += process.cpu;
    } catch {}
  }
  return { rss, cpu };
}

/** Samples a group's RSS every 200 ms until stopped; returns the peak and the CPU seconds used. */
export function sampleGroup(pgid: number) {
  const start = groupUsage(pgid);
  let peak = start.rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, groupUsage(pgid).rss);
  }, 200);
  return () => {
    clearInterval(timer);
    const end = groupUsage(pgid);
    return { peakRss: Math.max(peak, end.rss), cpuSeconds: end.cpu - start.cpu };
  };
}

/** CPU seconds the processes of `after` used since `before`; one that started in between counts whole. */
export function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, cpu] of after) seconds += cpu - (before.get(pid) ?? 0);
  return seconds;
}

/**
 * CPU seconds, per process, of what a gateway's load costs outside the gateway: the subgraphs'
 * process, PostgreSQL (every `postgres` process) and Redis, from one read of /proc. A backend that
 * exits mid-case takes its time with it (compare with cpuSince); the subgraphs' pools keep theirs
 * open, so that is rare.
 */
export function backendCpu(subgraphsPid: number | undefined) {
  const usage = { subgraphs: new Map<number, number>(), postgres: new Map<number, number>(), redis: new Map<number, number>() };
  for (const p of processStats()) {
    const kind = p.pid === subgraphsPid ? 'subgraphs' : p.command === 'postgres' ? 'postgres' : p.command.startsWith('redis-server') ? 'redis' : null;
    if (kind) usage[kind].set(p.pid, p.cpu);
  }
  return usage;
}
