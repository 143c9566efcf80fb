import { type Bus, createPeriodicTask, priceChannel, type Subscription } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { PortfolioDb } from '../db/index.ts';
import { goals, holdings } from '../db/schema/index.ts';
import type { GoalEvaluator } from './goal-evaluator.ts';

export interface GoalTicksOptions {
  /** The owner's connection (the evaluator's). */
  db: PortfolioDb;
  bus: Bus;
  evaluator: GoalEvaluator;
  /** Ticks are gathered this long, then the goals of every portfolio holding a ticked symbol are valued in one go. */
  batchMs: number;
  /** How often the symbols to listen to are read again from the database. */
  resyncMs: number;
  logger: Logger;
}

export interface GoalTicks {
  start(): Promise<void>;
  /** Listens to a symbol's ticks from now on (a ledger change named it); dropped at a resync if no unreached goal's portfolio holds it. */
  watch(symbol: string): void;
  stop(): Promise<void>;
}

/**
 * Values goals on price moves: listens to the ticks of every symbol held by a portfolio with an
 * unreached goal, gathers the ticked symbols for `batchMs`, then has the evaluator value the
 * unreached goals of the portfolios holding them. A tick stream of any rate costs one evaluation
 * per batch. Every replica hears every tick; the evaluator marks each goal once anyway.
 */
export function createGoalTicks(options: GoalTicksOptions): GoalTicks {
  const { db, bus, evaluator, logger } = options;
  const watched = new Map<string, { unsubscribe: Subscription; since: number }>();
  const ticked = new Set<string>();
  let stopped = false;

  const onTick = (message: string) => {
    let symbol: unknown;
    try {
      symbol = (JSON.parse(message) as { symbol?: unknown }).symbol;
    } catch {
      return;
    }
    if (typeof symbol === 'string' && watched.has(symbol)) ticked.add(symbol);
  };

  const watch = (symbol: string) => {
    const key = symbol.toUpperCase();
    if (stopped || watched.has(key)) return;
    watched.set(key, { unsubscribe: bus.subscribe(priceChannel(key), onTick), since: Date.now() });
  };

  /** Symbols held by a portfolio with an unreached goal. */
  const heldForGoals = async () =>
    db
      .selectDistinct({ symbol: holdings.symbol })
      .from(holdings)
      .innerJoin(goals, eq(goals.portfolioId, holdings.portfolioId))
      .where(and(isNull(goals.reachedAt), ne(holdings.quantity, '0')));

  async function resync() {
    const symbols = new Set((await heldForGoals()).map((row) => row.symbol));
    for (const symbol of symbols) watch(symbol);
    for (const [symbol, entry] of watched) {
      // A symbol watched since the last read may belong to a ledger change whose goal is not there yet.
      if (!symbols.has(symbol) && Date.now() - entry.since > options.resyncMs) {
        entry.unsubscribe();
        watched.delete(symbol);
      }
    }
  }

  async function evaluateTicked() {
    if (ticked.size === 0) return;
    const symbols = [...ticked];
    ticked.clear();
    try {
      await evaluator.evaluateHolders(symbols);
    } catch (error) {
      // Market or the database failed: the next batch tries these symbols again.
      for (const symbol of symbols) ticked.add(symbol);
      throw error;
    }
  }

  const batches = createPeriodicTask({ run: evaluateTicked, intervalMs: options.batchMs, logger, failureMessage: 'goal ticks batch failed; will retry' });
  const resyncs = createPeriodicTask({ run: resync, intervalMs: options.resyncMs, logger, failureMessage: 'goal ticks resync failed; will retry' });

  return {
    async start() {
      await resync();
      batches.start();
      resyncs.start();
      logger.info({ symbols: watched.size }, 'valuing goals on ticks');
    },
    watch,
    async stop() {
      stopped = true;
      await Promise.all([batches.stop(), resyncs.stop()]);
      for (const entry of watched.values()) entry.unsubscribe();
      watched.clear();
    },
  };
}
