// npm run bench:fanout -- [--clients 1000] [--rate 500] [--seconds 10] [--gateways 1]
//   [--client-procs 2] [--batches 10] [--drain 3] [--profile DIR]
// N WebSocket clients, each subscribed to PriceTicks for 5 of 50 symbols (10 disjoint sets of 5),
// and M ticks/s ingested through the market service's ingest path. Every part runs in its own
// process: the market subgraph, each gateway (clients spread across them), the clients (1-2
// processes), and this load generator, which ingests through a second market replica of its own
// (it stores, then publishes on Redis; the market subgraph process hears Redis and serves the
// gateways). Prints p50/p99 latency from the ingest call to client receipt, messages lost, and
// the CPU time and peak RSS of each process. --profile writes a --cpu-prof of each gateway.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createBus } from '@nexanest/bus';
import { createLogger } from '@nexanest/graphql';
import { listReferenceInstruments, loadMarketEnv, priceChannel, startMarketService } from '@nexanest/market';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import { operation } from '../../test/support/operations.ts';
import { freePort, readGauge, type ServiceProcess, sampleProcess, spawnService, waitForHttp } from './fanout-processes.ts';
import { runTicks } from './fanout-ticks.ts';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: process.env.BENCH_CLIENTS ?? '1000' },
    rate: { type: 'string', default: process.env.BENCH_TICKS_PER_S ?? '500' },
    seconds: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    gateways: { type: 'string', default: '1' },
    'client-procs': { type: 'string', default: '2' },
    batches: { type: 'string', default: '10' },
    drain: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});
const CLIENTS = Number(flags.clients);
const GATEWAYS = Number(flags.gateways);
const CLIENT_PROCS = Math.max(1, Math.min(Number(flags['client-procs']), CLIENTS));
const profileDir = flags.profile ? resolve(flags.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

const logger = createLogger('bench', 'warn');
const database = await createTestDatabase('timescale');
const namespace = uniqueName('nn_bench');
const base = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  REDIS_URL: testRedisUrl(),
  NEXANEST_NAMESPACE: namespace,
  TIMESCALE_DATABASE_URL: database.url,
  MARKET_SIMULATOR: 'off',
};
const bus = createBus({ redisUrl: base.REDIS_URL, namespace });
const redis = new Redis(base.REDIS_URL);
const services: ServiceProcess[] = [];
const workers: ChildProcess[] = [];
let replica: Awaited<ReturnType<typeof startMarketService>> | undefined;
try {
  // The ingesting replica migrates the database before the market process starts.
  replica = await startMarketService({ env: loadMarketEnv(base), logger, bus, port: 0 });
  const marketPort = await freePort();
  const market = spawnService('market', 'subgraphs/market/src/main.ts', { ...base, MARKET_PORT: String(marketPort) });
  services.push(market);
  await waitForHttp(`http://127.0.0.1:${marketPort}/health`, 'market', market.child);
  const gatewayUrls: string[] = [];
  for (let g = 0; g < GATEWAYS; g++) {
    const port = await freePort();
    const gateway = spawnService(
      `gateway-${g + 1}`,
      'gateway/src/main.ts',
      { ...base, GATEWAY_PORT: String(port), MARKET_SUBGRAPH_URL: `http://127.0.0.1:${marketPort}/graphql`, GATEWAY_PLAYGROUND: 'off' },
      { cpuProfDir: profileDir },
    );
    services.push(gateway);
    await waitForHttp(`http://127.0.0.1:${port}/health`, gateway.name, gateway.child);
    gatewayUrls.push(`http://127.0.0.1:${port}/graphql`);
  }

  // 50 tradable symbols (ingest refuses ticks for currency pairs and indices), in disjoint sets of 5.
  const universe = listReferenceInstruments()
    .filter((i) => i.assetClass === 'STOCK' || i.assetClass === 'ETF')
    .map((i) => i.symbol);
  const symbols = universe.slice(0, Math.min(50, universe.length - (universe.length % 5)));
  const symbolSets = Array.from({ length: symbols.length / 5 }, (_, i) => symbols.slice(i * 5, i * 5 + 5));
  const channels = symbols.map((symbol) => `${namespace}:${priceChannel(symbol)}`);
  const perProc = Math.ceil(CLIENTS / CLIENT_PROCS);
  const ready: Promise<number>[] = [];
  for (let p = 0; p < CLIENT_PROCS; p++) {
    const first = p * perProc;
    const worker = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        FANOUT_SETUP: JSON.stringify({
          gatewayUrls,
          first,
          clients: Math.min(perProc, CLIENTS - first),
          query: operation('PriceTicks'),
          symbolSets,
          redisUrl: base.REDIS_URL,
          channels,
        }),
      },
    });
    workers.push(worker);
    ready.push(new Promise((done) => worker.once('message', (message: { retries: number }) => done(message.retries))));
  }
  const connectStarted = Date.now();
  const retries = await Promise.race([
    Promise.all(ready),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the clients did not all connect in 5 minutes')), 300_000).unref()),
  ]);
  console.log(
    `  ${CLIENTS} clients connected and subscribed in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s (${retries.reduce((a, b) => a + b, 0)} connections opened again)`,
  );
  // Every subscription is registered at a gateway, and market listens on every channel.
  const deadline = Date.now() + 180_000;
  const metrics = gatewayUrls.map((url) => url.replace(/\/graphql$/, '/metrics'));
  while ((await Promise.all(metrics.map((url) => readGauge(url, 'graphql_subscriptions_active', 'kind="subscribers"')))).reduce((a, b) => a + b, 0) < CLIENTS) {
    if (Date.now() > deadline) throw new Error('the subscriptions did not all register');
    await new Promise((done) => setTimeout(done, 250));
  }
  while (((await redis.pubsub('NUMSUB', ...channels)) as (string | number)[]).some((value, i) => i % 2 === 1 && Number(value) < 1)) {
    if (Date.now() > deadline) throw new Error('market did not listen on every channel');
    await new Promise((done) => setTimeout(done, 250));
  }
  await new Promise((done) => setTimeout(done, 500));

  const pids = [
    ...services.map((s) => [s.name, s.child.pid] as const),
    ...workers.map((w, i) => [`clients-${i + 1}`, w.pid] as const),
    ['load+ingest', process.pid] as const,
  ];
  const before = new Map(pids.map(([name, pid]) => [name, sampleProcess(pid)]));
  const peakRss = new Map<string, number>();
  const sampler = setInterval(() => {
    for (const [name, pid] of pids) peakRss.set(name, Math.max(peakRss.get(name) ?? 0, sampleProcess(pid)?.rssBytes ?? 0));
  }, 250);
  const run = await runTicks({
    ingest: replica.ingest,
    symbols,
    rate: Number(flags.rate),
    seconds: Number(flags.seconds),
    batchesPerSecond: Number(flags.batches),
  });
  await new Promise((done) => setTimeout(done, Number(flags.drain) * 1000)); // the last ticks arrive
  clearInterval(sampler);
  const cpuSeconds = new Map(
    pids.map(([name, pid]) => {
      const start = before.get(name);
      const end = sampleProcess(pid);
      return [name, start && end ? end.cpuSeconds - start.cpuSeconds : Number.NaN] as const;
    }),
  );
  const cpu = pids.map(
    ([name]) => `${name} ${((100 * cpuSeconds.get(name)!) / run.elapsedS).toFixed(0)}% CPU, ${((peakRss.get(name) ?? 0) / 1048576).toFixed(0)} MiB`,
  );
  const reports = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<ClientReport>((done) => {
          worker.once('message', (message) => done(message as ClientReport));
          worker.send({ type: 'report' });
        }),
    ),
  );
  const received = reports.reduce((sum, report) => sum + report.received, 0);
  const fromIngest = summarise(reports.map((report) => report.histogram));
  const fromPublish = summarise(reports.map((report) => report.fromPublish));
  const gatewayCpu = [...cpuSeconds].filter(([name]) => name.startsWith('gateway')).reduce((sum, [, seconds]) => sum + seconds, 0);
  // Every tick reaches the clients of its symbol's set.
  const clientsPerSet = symbolSets.map((_, set) => Math.ceil(Math.max(0, CLIENTS - set) / symbolSets.length));
  const expected = run.sentPerSymbol.reduce((sum, count, index) => sum + count * clientsPerSet[Math.floor(index / 5)]!, 0);
  console.log(
    `fan-out: ${CLIENTS} clients over ${GATEWAYS} gateway process(es), ${CLIENT_PROCS} client process(es), ${symbols.length} symbols in ${symbolSets.length} sets of 5`,
  );
  console.log(`  ingested ${run.sent} ticks in ${run.elapsedS.toFixed(1)} s = ${(run.sent / run.elapsedS).toFixed(0)} ticks/s (asked ${flags.rate})`);
  console.log(
    `  delivered ${received} of ${expected} expected messages (lost ${expected - received}), error payloads ${reports.reduce((s, r) => s + r.errors, 0)}`,
  );
  console.log(`  latency Redis publish -> client: ${fromPublish.text} (${reports.reduce((s, r) => s + r.unmatched, 0)} messages not matched to a publish)`);
  console.log(`  latency ingest call -> client: ${fromIngest.text}`);
  console.log(
    `  gateway: ${(received / run.elapsedS).toFixed(0)} messages/s delivered, ${((gatewayCpu * 1e6) / Math.max(1, received)).toFixed(1)} us of gateway CPU per message`,
  );
  console.log(`  ingest call (store + publish): p50 ${run.ingestP50} ms, p99 ${run.ingestP99} ms`);
  console.log(`  processes: ${cpu.join('; ')}`);
  if (profileDir) console.log(`  CPU profiles of the gateways in ${profileDir}`);
} finally {
  for (const worker of workers) worker.kill();
  for (const service of services.reverse()) await service.stop();
  await replica?.close();
  await bus.close();
  redis.disconnect();
  await database.drop();
  await dropRedisNamespace(namespace);
}

interface ClientReport {
  received: number;
  errors: number;
  unmatched: number;
  histogram: [number, number][];
  fromPublish: [number, number][];
}

/** p50, p99 and max of merged [ms, count] histograms. */
function summarise(histograms: [number, number][][]): { text: string } {
  const merged = new Map<number, number>();
  for (const histogram of histograms) for (const [ms, count] of histogram) merged.set(ms, (merged.get(ms) ?? 0) + count);
  const sorted = [...merged].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  const percentile = (p: number) => {
    let seen = 0;
    for (const [ms, count] of sorted) {
      seen += count;
      if (seen >= (p / 100) * total) return ms;
    }
    return Number.NaN;
  };
  return { text: `p50 ${percentile(50)} ms, p99 ${percentile(99)} ms, max ${sorted.at(-1)?.[0] ?? Number.NaN} ms` };
}
