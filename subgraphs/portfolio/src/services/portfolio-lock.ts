import { and, eq } from 'drizzle-orm';
import { conflict, notFound } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { portfolios, type PortfolioRow } from '../db/schema/index.ts';
import { isUuid } from '../ids.ts';

/** A savepoint inside the request's transaction (what `db.transaction` hands its callback). */
export type Tx = Parameters<Parameters<PortfolioDb['transaction']>[0]>[0];

/**
 * Locks the caller's own portfolio row (FOR UPDATE) for the rest of the transaction, so writers
 * of one portfolio's ledger run one after the other. Someone else's portfolio, or one that does
 * not exist, is NOT_FOUND alike; an advisor's read grant does not make it theirs.
 */
export async function lockOwnedPortfolio(tx: Tx, portfolioId: string, ownerId: string): Promise<PortfolioRow> {
  if (!isUuid(portfolioId) || !isUuid(ownerId)) throw notFound('Portfolio');
  const [row] = await tx
    .select()
    .from(portfolios)
    .where(and(eq(portfolios.id, portfolioId.toLowerCase()), eq(portfolios.ownerId, ownerId.toLowerCase())))
    .for('update');
  if (!row) throw notFound('Portfolio');
  return row;
}

/** An archived portfolio's ledger is frozen: entries can be neither recorded nor deleted. */
export function requireActive(portfolio: PortfolioRow): void {
  if (!portfolio.isActive) throw conflict('The portfolio is archived; its ledger can no longer change');
}
