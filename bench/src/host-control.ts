import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostInput, HostMessage } from './host.ts';

export interface SqlCount {
  total: number;
  byPool: Record<string, number>;
}

export interface Host {
  gatewayUrl: string;
  services: Record<string, string>;
  pid: number;
  /** SQL statements the subgraphs have sent so far, in all and by pool (application name). */
  sqlCount(): Promise<SqlCount>;
  stop(): Promise<void>;
}

/** Forks host.ts (the five subgraphs) and waits until they listen. */
export async function startHost(input: HostInput): Promise<Host> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./host.ts', import.meta.url)), {
    // BENCH_HOST_PROFILE=DIR: the subgraphs under `--cpu-prof`, to see where their CPU goes.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_HOST_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_HOST_PROFILE] : [])],
    // The process runs with NODE_ENV=production, as a deployed subgraph does and as every gateway
    // here does: graphql-js and express take their production paths (graphql-js's development
    // build checks every instanceOf across realms). The services' own settings come from
    // input.env (development mode: they create their databases and roles themselves).
    env: { ...process.env, NODE_ENV: 'production', BENCH_HOST_INPUT: JSON.stringify(input) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Extract<HostMessage, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`the subgraph host exited (${code}) before it was ready`)));
  });
  return {
    gatewayUrl: ready.gatewayUrl,
    services: ready.services,
    pid: child.pid as number,
    sqlCount: () =>
      new Promise<SqlCount>((resolve) => {
        const listener = (message: HostMessage) => {
          if (message.type !== 'sql') return;
          child.off('message', listener);
          resolve({ total: message.count, byPool: message.byPool });
        };
        child.on('message', listener);
        child.send({ type: 'sql' });
      }),
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
