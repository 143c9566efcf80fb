import { type Bus, priceChannel, type Subscription } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import { applyTick, listWatchedSymbols, type Tick } from './alert-evaluation-store.ts';
import type { NotificationsPool } from './db/index.ts';
import { publishNotification } from './notification-channel.ts';

export { priceChannel };
/** Where instances tell each other that a symbol has a new active alert. */
export const WATCH_CHANNEL = 'price-alerts:watch';

const DECIMAL = /^\d{1,18}(\.\d{1,10})?$/;

export interface AlertEvaluatorOptions {
  db: NotificationsPool['db'];
  bus: Bus;
  logger: Logger;
  /** Base URL of the web app, for links in alert emails. */
  appUrl: string;
  /** How often the watched symbols are read again from the database (alerts deleted or switched off). Default 60 s. */
  resyncMs?: number;
}

export interface AlertEvaluator {
  /** Listens to the price channels of every symbol with an active alert. */
  start(): Promise<void>;
  /** Starts listening to a symbol here at once, and tells the other instances. */
  watch(symbol: string): Promise<void>;
  /** Symbols listened to now. */
  watching(): string[];
  /** Resolves when every tick received so far has been evaluated (for tests and shutdown). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Evaluates price alerts on ticks. Ticks of one symbol are evaluated one after another in this
 * process; across instances the database decides (see applyTick), so every instance may hear the
 * same tick and an alert still fires once per crossing. Notifications are published to their
 * owner's channel after the transaction that stored them commits.
 */
export function createAlertEvaluator(options: AlertEvaluatorOptions): AlertEvaluator {
  const { bus, logger } = options;
  const watched = new Map<string, { unsubscribe: Subscription; since: number }>();
  const queues = new Map<string, Promise<void>>();
  let stopWatchChannel: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const evaluate = async (tick: Tick) => {
    try {
      const added = await applyTick(options.db, tick, { appUrl: options.appUrl });
      for (const row of added) await publishNotification(bus, row);
      if (added.length) logger.info({ symbol: tick.symbol, notifications: added.length }, 'price alerts fired');
    } catch (error) {
      logger.error({ err: error, symbol: tick.symbol }, 'price alert evaluation failed');
    }
  };

  const onTick = (message: string) => {
    let parsed: { symbol?: unknown; price?: unknown; time?: unknown };
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const { symbol, price, time } = parsed;
    if (typeof symbol !== 'string' || typeof price !== 'string' || !DECIMAL.test(price) || typeof time !== 'string') return;
    const at = new Date(time);
    if (Number.isNaN(at.getTime()) || stopped) return;
    const queue = (queues.get(symbol) ?? Promise.resolve()).then(() => evaluate({ symbol, price, time: at }));
    queues.set(symbol, queue);
    void queue.then(() => {
      if (queues.get(symbol) === queue) queues.delete(symbol);
    });
  };

  const add = (symbol: string) => {
    if (stopped || watched.has(symbol)) return;
    watched.set(symbol, { unsubscribe: bus.subscribe(priceChannel(symbol), onTick), since: Date.now() });
  };

  const resyncMs = options.resyncMs ?? 60_000;
  const resync = async () => {
    const symbols = new Set(await listWatchedSymbols(options.db));
    for (const symbol of symbols) add(symbol);
    for (const [symbol, entry] of watched) {
      // A symbol added since the last read may belong to an alert whose transaction had not committed yet.
      if (!symbols.has(symbol) && Date.now() - entry.since > resyncMs) {
        entry.unsubscribe();
        watched.delete(symbol);
      }
    }
  };

  return {
    async start() {
      stopWatchChannel = bus.subscribe(WATCH_CHANNEL, (symbol) => add(symbol));
      await resync();
      timer = setInterval(() => void resync().catch((error) => logger.warn({ err: error }, 'price alert resync failed')), resyncMs);
      timer.unref();
      logger.info({ symbols: watched.size }, 'evaluating price alerts');
    },
    async watch(symbol) {
      add(symbol);
      // The alert is stored either way: other instances that miss this find it at their next resync.
      await bus.publish(WATCH_CHANNEL, symbol).catch((error) => logger.warn({ err: error, symbol }, 'could not tell other instances about a new alert'));
    },
    watching: () => [...watched.keys()],
    async settled() {
      while (queues.size > 0) await Promise.all(queues.values());
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopWatchChannel?.();
      for (const entry of watched.values()) entry.unsubscribe();
      watched.clear();
      while (queues.size > 0) await Promise.all(queues.values());
    },
  };
}
