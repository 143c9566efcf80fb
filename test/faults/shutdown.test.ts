import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createBus, type Bus } from '@nexanest/bus';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { loadMarketEnv, startMarketService } from '@nexanest/market';
import { createTestDatabase, freePort, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';
import { operation } from '../support/operations.ts';

/**
 * SIGTERM to the gateway as its own process (gateway/src/main.ts), over a real market service
 * started here behind a TCP relay that can hold a request: the held request is in flight when
 * the signal arrives.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const DEAD = 'http://127.0.0.1:9/graphql';
const logger = createLogger('shutdown', 'silent');

let database: TestDatabase;
let bus: Bus;
let market: Awaited<ReturnType<typeof startMarketService>>;
let relay: Awaited<ReturnType<typeof startGateRelay>>;

/** A TCP relay; connections opened while `hold` is on pass nothing upstream until `release`. */
async function startGateRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let holding = false;
  let held: Array<() => void> = [];
  let heldConnections = 0;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    const pass = () => {
      const upstream = net.connect(Number(port), hostname, () => {
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('error', () => {});
    if (holding) {
      heldConnections++;
      held.push(pass);
    } else pass();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`,
    hold: () => {
      holding = true;
    },
    heldConnections: () => heldConnections,
    release: () => {
      holding = false;
      for (const pass of held) pass();
      held = [];
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

beforeAll(async () => {
  database = await createTestDatabase('timescale');
  bus = createBus({ redisUrl: null, namespace: uniqueName('nn_shutdown') });
  market = await startMarketService({
    env: loadMarketEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MARKET_SIMULATOR: 'off', TIMESCALE_DATABASE_URL: database.url }),
    logger,
    bus,
    port: 0,
  });
  relay = await startGateRelay(market.url);
});
afterAll(async () => {
  await relay?.close();
  await (market as ServiceHandle | undefined)?.close();
  await bus?.close();
  await database?.drop();
});

/** The gateway's own process, as `npx tsx gateway/src/main.ts` runs it. */
async function spawnGateway() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      GATEWAY_PORT: String(port),
      LISTEN_HOST: '127.0.0.1',
      REDIS_URL: testRedisUrl(),
      NEXANEST_NAMESPACE: uniqueName('nn_shutdown'),
      MARKET_SUBGRAPH_URL: relay.url,
      AUTH_SUBGRAPH_URL: DEAD,
      PORTFOLIO_SUBGRAPH_URL: DEAD,
      ANALYTICS_SUBGRAPH_URL: DEAD,
      NOTIFICATIONS_SUBGRAPH_URL: DEAD,
      SHUTDOWN_GRACE_MS: '20000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  // tsx compiles the gateway at start: on a busy machine that takes a while.
  let up = false;
  for (let attempt = 0; attempt < 900 && !up; attempt++) {
    up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (child.exitCode !== null) throw new Error(`gateway exited at start: ${output}`);
    if (!up) await new Promise((done) => setTimeout(done, 100));
  }
  if (!up) throw new Error(`gateway did not answer /health: ${output}`);
  return { child, url, exited, output: () => output };
}

const refused = (url: string) =>
  fetch(url.replace('/graphql', '/health')).then(
    () => false,
    () => true,
  );

describe('SIGTERM to the gateway process', () => {
  let gateway: { child: ChildProcess; url: string; exited: Promise<number | null>; output(): string };

  it('finishes the request in flight, completes subscriptions and closes sockets 1001, refuses new connections, and exits 0', async () => {
    gateway = await spawnGateway();

    // A live subscription: ticks reach it through the gateway process.
    const closes: number[] = [];
    const ws = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (event) => void closes.push((event as { code: number }).code) },
    });
    const ticks = ws.iterate({ query: operation('PriceTicks'), variables: { symbols: ['AAPL'] } });
    const first = ticks.next();
    let live = false;
    const settle = () => {
      live = true;
    };
    void first.then(settle, settle);
    for (let attempt = 0; attempt < 100 && !live; attempt++) {
      await market.ingest([{ symbol: 'AAPL', price: `${200 + attempt}.5`, time: new Date(Date.now() - 1000 - attempt) }]);
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(await first).toMatchObject({ done: false, value: { data: { priceTicks: { symbol: 'AAPL' } } } });

    // A request whose market fetch is held in the relay: in flight when SIGTERM arrives.
    relay.hold();
    const slow = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ instrument(symbol: "AAPL") { symbol currency } }' }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown } }));
    let slowSettled = false;
    const settled = () => {
      slowSettled = true;
    };
    void slow.then(settled, settled);
    while (relay.heldConnections() === 0) await new Promise((done) => setTimeout(done, 20));

    gateway.child.kill('SIGTERM');
    // New connections are refused from the start of the shutdown, while the held request waits.
    while (!(await refused(gateway.url))) await new Promise((done) => setTimeout(done, 20));
    expect(slowSettled).toBe(false);
    // The subscription was completed, then its socket closed with 1001 Going Away.
    expect(await ticks.next()).toEqual({ done: true, value: undefined });
    while (closes.length === 0) await new Promise((done) => setTimeout(done, 20));
    expect(closes).toEqual([1001]);

    relay.release();
    expect(await slow).toEqual({ status: 200, body: { data: { instrument: { symbol: 'AAPL', currency: 'USD' } } } });
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toContain('shutting down');
    expect(gateway.output()).not.toMatch(/uncaught|unhandled|TypeError|"level":50/i);
    await ws.dispose();
  }, 150_000);
});
