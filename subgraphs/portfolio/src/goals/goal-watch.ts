import { hostname } from 'node:os';
import {
  type Bus,
  connectRedis,
  createPeriodicTask,
  createStreamConsumer,
  EVENTS_REDIS_DB,
  eventsStreamKey,
  routeByTopic,
  type Redis,
  type RedisTarget,
  type StreamConsumer,
  type StreamEvent,
} from '@nexanest/bus';
import { createPool, type Pool } from '@nexanest/db';
import type { Logger, MarketClient } from '@nexanest/graphql';
import type { PortfolioCache } from '../cache/portfolio-cache.ts';
import { schema } from '../db/index.ts';
import { TRANSACTION_DELETED, TRANSACTION_RECORDED } from '../events/outbox.ts';
import { isUuid } from '../ids.ts';
import { createGoalEvaluator, type GoalEvaluator } from './goal-evaluator.ts';
import { createGoalTicks } from './goal-ticks.ts';

/** portfolio's consumer group for goals: a ledger change may carry a portfolio to its goal. */
export const PORTFOLIO_GOALS_GROUP = 'portfolio.goals';
/** How often the tick listener reads again which symbols portfolios with unreached goals hold. */
const TICK_RESYNC_MS = 30_000;

export interface GoalWatchOptions {
  /** The owner's URL: the evaluator acts for the system, across owners. */
  ownerUrl: string;
  market: MarketClient;
  /** Without Redis no ledger events are consumed (they wait in the outbox anyway). */
  redis: RedisTarget | null;
  /** The bus market publishes ticks on. */
  bus: Bus;
  namespace: string;
  /** How often every unreached goal is valued again (FX moves, missed ticks). */
  intervalMs: number;
  /** How long ticks are gathered before the goals of the portfolios holding the ticked symbols are valued. */
  tickBatchMs: number;
  /** The portfolio cache, whose goals a reached goal makes stale (null when caching is off). */
  cache: PortfolioCache | null;
  logger: Logger;
}

export interface GoalWatch {
  evaluator: GoalEvaluator;
  /** The evaluator's two owner connections (for the pool metrics). */
  pool: Pool<typeof schema>;
  stop(): Promise<void>;
}

/**
 * Re-values a portfolio's unreached goals when its ledger changes, and listens to the ticks of the
 * symbol it names while the portfolio has an unreached goal. Redelivery is harmless: a goal is marked reached (and goal.reached written)
 * only while it is not yet, so no processed_events record is kept.
 */
export function createGoalConsumer(options: {
  evaluator: GoalEvaluator;
  redis: Redis;
  namespace: string;
  logger: Logger;
  watchSymbol?: (symbol: string) => void;
}): StreamConsumer {
  const onLedgerChange = async (event: StreamEvent) => {
    const { portfolioId, symbol } = (event.payload ?? {}) as { portfolioId?: unknown; symbol?: unknown };
    if (typeof portfolioId !== 'string' || !isUuid(portfolioId)) return;
    const id = portfolioId.toLowerCase();
    await options.evaluator.evaluatePortfolios([id]);
    // Ticks of the symbol matter only while a goal of this portfolio is still open.
    if (typeof symbol === 'string' && symbol && (await options.evaluator.hasUnreachedGoals(id))) options.watchSymbol?.(symbol);
  };
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: PORTFOLIO_GOALS_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    handle: routeByTopic({ [TRANSACTION_RECORDED]: onLedgerChange, [TRANSACTION_DELETED]: onLedgerChange }),
  });
}

/**
 * Starts goal evaluation: the `portfolio.goals` consumer (with Redis), the tick listener and the
 * periodic sweep of every unreached goal. Replicas may all run it: the database lets one of them
 * mark a goal.
 */
export async function startGoalWatch(options: GoalWatchOptions): Promise<GoalWatch> {
  const { logger } = options;
  const owner = createPool({ url: options.ownerUrl, max: 2, schema, applicationName: 'portfolio-goals' });
  const evaluator = createGoalEvaluator({ db: owner.db, market: options.market, logger, cache: options.cache });
  const ticks = createGoalTicks({ db: owner.db, bus: options.bus, evaluator, batchMs: options.tickBatchMs, resyncMs: TICK_RESYNC_MS, logger });
  const redis = options.redis ? connectRedis(options.redis, EVENTS_REDIS_DB) : null;
  redis?.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis error (goals)'));
  const consumer = redis ? createGoalConsumer({ evaluator, redis, namespace: options.namespace, logger, watchSymbol: ticks.watch }) : null;
  const sweep = createPeriodicTask({
    run: () => evaluator.evaluateAll(),
    intervalMs: options.intervalMs,
    logger,
    failureMessage: 'goal sweep failed; will retry',
  });
  const release = async () => {
    await ticks.stop();
    redis?.disconnect();
    await owner.close();
  };
  try {
    await ticks.start();
    await consumer?.start();
  } catch (error) {
    await release();
    throw error;
  }
  sweep.start();
  return {
    evaluator,
    pool: owner,
    async stop() {
      await sweep.stop();
      await consumer?.stop();
      await release();
    },
  };
}
