import type { PortfolioDb } from '../db/index.ts';
import { outboxEvents } from '../db/schema/index.ts';
import type { Tx } from '../services/portfolio-lock.ts';

/** Topics portfolio publishes on `${namespace}:events` (catalog: docs/events.md). */
export const TRANSACTION_RECORDED = 'transaction.recorded';
export const TRANSACTION_DELETED = 'transaction.deleted';
export const PORTFOLIO_ACCESS_GRANTED = 'portfolio_access.granted';
export const PORTFOLIO_ACCESS_REVOKED = 'portfolio_access.revoked';
export const GOAL_REACHED = 'goal.reached';

/** Writes an event in the caller's transaction; the relay publishes it once that commits. */
export async function enqueueEvent(tx: Tx | PortfolioDb, topic: string, payload: Record<string, unknown>): Promise<void> {
  await tx.insert(outboxEvents).values({ topic, payload });
}
