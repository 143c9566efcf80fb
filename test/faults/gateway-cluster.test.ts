import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, processStats, testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * GATEWAY_WORKERS=2: gateway/src/main.ts as a node:cluster primary of two workers, over the
 * subgraphs of a real stack. Workers are told apart by their process start time in /metrics
 * (each worker has its own registry); their pids are read from /proc, never from the gateway.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.teardown();
});

/** Pids of the gateway workers: children of the primary running main.ts (tsx's esbuild children left out). */
function workerPids(primary: number): number[] {
  const children = processStats().filter((p) => p.ppid === primary && p.state !== 'Z');
  return children
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('gateway/src/main.ts');
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One request on a connection of its own, so that the primary hands each to the next worker. */
function request(port: number, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', agent: false, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', fail);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const instrument = (port: number) => request(port, '/graphql', { query: '{ instrument(symbol: "AAPL") { symbol currency } }' });
const startTime = async (port: number) => /^process_start_time_seconds(?:{[^}]*})? (\d+)$/m.exec((await request(port, '/metrics')).text)?.[1];

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('the gateway with GATEWAY_WORKERS=2', () => {
  it('serves from two workers, replaces a killed one while the other answers, and ends them all on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const primary = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        GATEWAY_WORKERS: '2',
        GATEWAY_PORT: String(port),
        LISTEN_HOST: '127.0.0.1',
        REDIS_URL: testRedisUrl(),
        NEXANEST_NAMESPACE: stack.namespace,
        ...Object.fromEntries(Object.entries(stack.services).map(([name, url]) => [`${name.toUpperCase()}_SUBGRAPH_URL`, url])),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    primary.stdout?.on('data', (chunk) => (output += chunk));
    primary.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => primary.once('exit', (code) => done(code)));
    const pid = primary.pid as number;
    const listening = (worker: number) => new RegExp(`"pid":${worker},"hostname"[^\\n]*"msg":"gateway listening"`).test(output);
    const seen = new Set<number>();
    const workers = () => {
      const pids = workerPids(pid);
      for (const worker of pids) seen.add(worker);
      return pids;
    };
    try {
      // Two workers, both listening (tsx compiles the gateway in each: a while on a busy machine).
      await until('two workers', () => workers().length === 2);
      const first = workers();
      await until('both workers listening', () => first.every(listening), 120_000);
      for (let i = 0; i < 6; i++) expect(JSON.parse((await instrument(port)).text)).toEqual({ data: { instrument: { symbol: 'AAPL', currency: 'USD' } } });

      // One worker killed outright: the other answers every request while the primary forks a replacement.
      await sleep(1100);
      const [killed, survivor] = first as [number, number];
      process.kill(killed, 'SIGKILL');
      await until('the killed worker reaped', () => !alive(killed), 10_000);
      for (let i = 0; i < 6; i++) expect(JSON.parse((await instrument(port)).text)).toEqual({ data: { instrument: { symbol: 'AAPL', currency: 'USD' } } });
      await until('a replacement worker', () => workers().some((worker) => worker !== survivor));
      const replacement = workers().find((worker) => worker !== survivor) as number;
      await until('the replacement listening', () => listening(replacement), 120_000);
      expect(output).toMatch(/"signal":"SIGKILL"[^\n]*"gateway worker died; replacing it"/);

      // Fresh connections go to both live workers in turn: two distinct process start times.
      const starts = new Set<string | undefined>();
      for (let i = 0; i < 8; i++) starts.add(await startTime(port));
      expect([...starts].filter(Boolean)).toHaveLength(2);
      for (let i = 0; i < 4; i++) expect((await instrument(port)).status).toBe(200);

      // A live subscription through the cluster, to see its worker close it 1001 on SIGTERM.
      const closes: number[] = [];
      const ws = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (event) => void closes.push((event as { code: number }).code) },
      });
      const ticks = ws.iterate({ query: operation('PriceTicks'), variables: { symbols: ['AAPL'] } });
      const tick = ticks.next();
      let live = false;
      const settle = () => {
        live = true;
      };
      void tick.then(settle, settle);
      for (let attempt = 0; attempt < 100 && !live; attempt++) {
        await stack.ingest([{ symbol: 'AAPL', price: `${300 + attempt}.25`, time: new Date(Date.now() - 1000 - attempt) }]);
        await sleep(100);
      }
      expect(await tick).toMatchObject({ done: false, value: { data: { priceTicks: { symbol: 'AAPL' } } } });

      primary.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await ticks.next()).toEqual({ done: true, value: undefined });
      await until('the socket closed', () => closes.length > 0, 10_000);
      expect(closes).toEqual([1001]);
      // No orphans: both workers are gone with their primary, and nothing listens on the port.
      expect([...seen].filter(alive)).toEqual([]);
      expect(seen).toEqual(new Set([killed, survivor, replacement]));
      await expect(request(port, '/health')).rejects.toThrow();
      expect(output.match(/"msg":"shutting down"/g)).toHaveLength(2);
      expect(output).not.toMatch(/uncaught|unhandled|TypeError/i);
      await ws.dispose();
    } finally {
      if (primary.exitCode === null) primary.kill('SIGKILL');
      for (const worker of [...seen].filter(alive)) process.kill(worker, 'SIGKILL');
    }
  }, 300_000);
});
