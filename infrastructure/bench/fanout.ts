// npm run bench:fanout — N WebSocket clients, each subscribed to PriceTicks for 5 of 50 symbols
// (10 disjoint sets of 5), and M ticks/s ingested through the market service's ingest path. Prints
// p50/p99 latency from ingest to client receipt, messages lost, and the RSS of the process that
// runs the gateway (and, in this single-process bench, the subgraphs). Clients run in a child process.
// BENCH_CLIENTS (default 1000), BENCH_TICKS_PER_S (default 500), BENCH_DURATION (default 10 s).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listReferenceInstruments } from '@nexanest/market';
import { operation } from '../../test/support/operations.ts';
import { startTestStack } from '../../test/support/stack.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const TICKS_PER_S = Number(process.env.BENCH_TICKS_PER_S ?? 500);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const BATCHES_PER_S = 10;

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN);

const stack = await startTestStack({ demoHistoryDays: 1 });
let worker: ChildProcess | undefined;
try {
  // 50 symbols when the reference universe has them (it may have fewer), in disjoint sets of 5.
  // Tradable instruments only: ingest refuses ticks for currency pairs and indices.
  const universe = listReferenceInstruments()
    .filter((i) => i.assetClass === 'STOCK' || i.assetClass === 'ETF')
    .map((i) => i.symbol);
  const symbols = universe.slice(0, Math.min(50, universe.length - (universe.length % 5)));
  const symbolSets = Array.from({ length: symbols.length / 5 }, (_, i) => symbols.slice(i * 5, i * 5 + 5));
  const clientWorker = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      FANOUT_SETUP: JSON.stringify({ wsUrl: stack.gatewayUrl.replace(/^http/, 'ws'), clients: CLIENTS, query: operation('PriceTicks'), symbolSets }),
    },
  });
  worker = clientWorker;
  const ask = <T>(type: string, answer: string) =>
    new Promise<T>((resolve) => {
      const listener = (message: any) => {
        if (message.type === answer) {
          clientWorker.off('message', listener);
          resolve(message as T);
        }
      };
      clientWorker.on('message', listener);
      if (type) clientWorker.send({ type });
    });
  await ask('', 'ready');
  await new Promise((resolve) => setTimeout(resolve, 2000)); // upstream subscriptions settle

  let sent = 0;
  const sentPerSet = symbolSets.map(() => 0);
  let peakRss = process.memoryUsage().rss;
  const perBatch = Math.max(1, Math.round(TICKS_PER_S / BATCHES_PER_S));
  let tickTime = Date.now();
  const started = Date.now();
  // Batches go out on schedule, up to 4 in flight: a slow ingest does not slow the publish rate.
  const inFlight = new Set<Promise<void>>();
  for (let batch = 0; batch < DURATION_S * BATCHES_PER_S; batch++) {
    const due = started + (batch * 1000) / BATCHES_PER_S;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    while (inFlight.size >= 4) await Promise.race(inFlight);
    // Each tick its own millisecond, so (symbol, time) stays unique and none is deduplicated away.
    const base = Math.max(Date.now(), tickTime + 1);
    const ticks = Array.from({ length: perBatch }, (_, i) => ({
      symbol: symbols[(batch * perBatch + i) % symbols.length]!,
      price: `${100 + ((batch + i) % 50)}.25`,
      time: new Date(base + i),
    }));
    tickTime = base + perBatch;
    const job = stack.ingest(ticks).then((result) => {
      const rejected = new Set(result.rejected.map((r) => r.index));
      if (rejected.size > 0) console.log(`  (rejected by ingest: ${JSON.stringify(result.rejected.slice(0, 3))})`);
      ticks.forEach((tick, index) => {
        if (rejected.has(index)) return;
        sent++;
        sentPerSet[Math.floor(symbols.indexOf(tick.symbol) / 5)]!++;
      });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3000)); // let the last ticks arrive
  const report = await ask<{ received: number; latencies: number[]; rss: number }>('report', 'report');
  // Every tick reaches the clients of its symbol's set.
  const clientsPerSet = symbolSets.map((_, set) => Math.ceil((CLIENTS - set) / symbolSets.length));
  const expected = sentPerSet.reduce((sum, count, set) => sum + count * clientsPerSet[set]!, 0);
  const sorted = report.latencies.sort((a, b) => a - b);
  console.log(
    `fan-out: ${CLIENTS} clients on ${symbols.length} symbols (${symbolSets.length} sets of 5), ${(sent / elapsed).toFixed(0)} ticks/s for ${elapsed.toFixed(1)} s`,
  );
  console.log(`  delivered ${report.received} of ${expected} expected messages (lost ${expected - report.received})`);
  console.log(`  latency ingest -> client: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`);
  console.log(`  peak RSS of the gateway process (all services in one process here): ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
  await ask('close', 'closed');
} finally {
  worker?.kill();
  await stack.teardown();
}
