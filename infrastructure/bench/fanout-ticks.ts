// The load generator of bench/fanout.ts: `rate` ticks/s over `symbols`, in `batchesPerSecond`
// ingest calls per second, sent on schedule with up to 4 in flight (a slow ingest does not slow
// the schedule until 4 are waiting).
import type { Ingest } from '@nexanest/market';

export interface TickRun {
  sent: number;
  sentPerSymbol: number[];
  elapsedS: number;
  ingestP50: number;
  ingestP99: number;
}

export async function runTicks(options: { ingest: Ingest; symbols: string[]; rate: number; seconds: number; batchesPerSecond: number }): Promise<TickRun> {
  const { ingest, symbols, rate, seconds, batchesPerSecond } = options;
  const sentPerSymbol = symbols.map(() => 0);
  const lastTime = symbols.map(() => 0);
  const ingestMs: number[] = [];
  let sent = 0;
  let next = 0; // round-robin over the symbols across batches
  const batches = Math.round(seconds * batchesPerSecond);
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  for (let batch = 0; batch < batches; batch++) {
    // The ticks of batch b are those due by its end: rounding never loses a tick over the run.
    const count = Math.round(((batch + 1) * rate) / batchesPerSecond) - Math.round((batch * rate) / batchesPerSecond);
    const due = started + (batch * 1000) / batchesPerSecond;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    while (inFlight.size >= 4) await Promise.race(inFlight);
    // A tick's time is its ingest instant, which the clients subtract from their receipt time.
    // A symbol with k ticks in this batch gets now-(k-1) .. now, one millisecond apart, so
    // (symbol, time) stays unique and no latency is understated (it may be overstated by k-1 ms).
    const now = Date.now();
    const indexes = Array.from({ length: count }, () => {
      const index = next;
      next = (next + 1) % symbols.length;
      return index;
    });
    const perSymbol = new Map<number, number>();
    for (const index of indexes) perSymbol.set(index, (perSymbol.get(index) ?? 0) + 1);
    const seen = new Map<number, number>();
    const ticks = indexes.map((index, i) => {
      const k = seen.get(index) ?? 0;
      seen.set(index, k + 1);
      const time = Math.max(now - (perSymbol.get(index)! - 1) + k, lastTime[index]! + 1);
      lastTime[index] = time;
      return { index, tick: { symbol: symbols[index]!, price: `${100 + ((batch + i) % 50)}.25`, time: new Date(time) } };
    });
    const began = performance.now();
    const job = ingest(ticks.map((t) => t.tick)).then((result) => {
      ingestMs.push(performance.now() - began);
      const rejected = new Set(result.rejected.map((r) => r.index));
      if (rejected.size > 0) console.log(`  (rejected by ingest: ${JSON.stringify(result.rejected.slice(0, 3))})`);
      ticks.forEach(({ index }, i) => {
        if (rejected.has(i)) return;
        sent++;
        sentPerSymbol[index]!++;
      });
    });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }
  await Promise.all(inFlight);
  const elapsedS = (Date.now() - started) / 1000;
  const sorted = ingestMs.sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
  return { sent, sentPerSymbol, elapsedS, ingestP50: at(50), ingestP99: at(99) };
}
