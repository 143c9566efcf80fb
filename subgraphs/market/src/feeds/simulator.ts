import type { Logger } from '@nexanest/graphql';
import { D } from '../domain/decimal.ts';
import { gaussian, hashString, mulberry32, priceScale, stepPrice } from '../domain/demo-history.ts';
import type { TickInput } from '../domain/tick-validation.ts';
import type { Ingest } from '../services/ingest-ticks.ts';
import type { PriceFeed } from './price-feed.ts';

export interface SimulatorOptions {
  ingest: Ingest;
  symbols: readonly string[];
  intervalMs: number;
  /** Same seed, same walk. */
  seed: number;
  /** Latest known prices (decimal strings), read when the walk starts and for symbols still without one. */
  latestPrices: (symbols: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  /** Per-step volatility of the walk, a fraction (0.0005 is 0.05%). */
  volatility?: number;
  now?: () => Date;
  logger?: Logger;
}

export interface Simulator extends PriceFeed {
  /** Ingests one batch now; start() calls it every intervalMs. */
  step(): Promise<void>;
}

/**
 * Development feed: a deterministic random walk around each symbol's latest price, ingested
 * through the same path as a real feed (validation, storage, publication).
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const prices = new Map<string, InstanceType<typeof D>>();
  const randoms = new Map(options.symbols.map((symbol) => [symbol, mulberry32(hashString(symbol) ^ options.seed)]));
  const volatility = options.volatility ?? 0.0005;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let busy = false;

  const step = async () => {
    const missing = options.symbols.filter((symbol) => !prices.has(symbol));
    if (missing.length > 0) {
      for (const [symbol, price] of await options.latestPrices(missing)) prices.set(symbol, new D(price));
    }
    const time = options.now?.() ?? new Date();
    const ticks: TickInput[] = [];
    for (const symbol of options.symbols) {
      const current = prices.get(symbol);
      const random = randoms.get(symbol);
      if (!current || !random) continue;
      const next = stepPrice(current, volatility * gaussian(random), priceScale(current));
      prices.set(symbol, next);
      ticks.push({ symbol, price: next.toFixed(), time, volume: String(Math.floor(random() * 500) + 1) });
    }
    if (ticks.length > 0) await options.ingest(ticks);
  };

  const tick = () => {
    // Skip a beat rather than pile up batches when the database is slow.
    if (busy) return;
    busy = true;
    inFlight = step()
      .catch((error: unknown) => options.logger?.warn({ err: error }, 'price simulator step failed'))
      .finally(() => {
        busy = false;
      });
  };

  return {
    step,
    async start() {
      if (timer) return;
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
