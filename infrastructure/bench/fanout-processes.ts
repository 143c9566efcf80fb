// Process plumbing for bench/fanout.ts: free ports, service processes (node + tsx) with
// readiness checks, and per-process CPU time and RSS read from /proc (Linux).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Stops the process with SIGTERM (graceful: a CPU profile is written) and waits for it. */
  stop(): Promise<void>;
}

/** Starts `entry` (a path from the repository root) in a node process of its own. */
export function spawnService(name: string, entry: string, env: NodeJS.ProcessEnv, options: { cpuProfDir?: string | undefined } = {}): ServiceProcess {
  // One folder per process: the main thread and tsx's loader thread each write a profile.
  const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', `${options.cpuProfDir}/${name}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/** Waits until `url` answers 200 (the process is listening and ready). */
export async function waitForHttp(url: string, what: string, child?: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

export interface ProcessSample {
  /** CPU seconds (user + system) used so far. */
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU time and resident memory of a live process; null once it has gone. */
export function sampleProcess(pid: number | undefined): ProcessSample | null {
  if (!pid) return null;
  try {
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return null;
  }
}

/** Sum of a Prometheus gauge's samples with the given label, from a /metrics text page. */
export async function readGauge(metricsUrl: string, name: string, label: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(label)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
