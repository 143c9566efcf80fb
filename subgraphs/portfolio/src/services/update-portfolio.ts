import { and, eq, sql } from 'drizzle-orm';
import { badInput, notFound, type Identity, type MarketClient } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { portfolios, type PortfolioRow } from '../db/schema/index.ts';
import { normalizeSymbol } from '../domain/index.ts';
import { isUuid } from '../ids.ts';
import { checkDescription, checkName } from './create-portfolio.ts';
import { lockOwnedPortfolio } from './portfolio-lock.ts';
import { ruled } from './ruled.ts';

export interface UpdatePortfolioInput {
  name?: string | null;
  description?: string | null;
}

/**
 * Renames or re-describes the caller's portfolio, with the same rules as creating one. An omitted
 * (or null) name stays as it is; an omitted description stays, a null or blank one is cleared.
 */
export async function updatePortfolio(db: PortfolioDb, identity: Identity, id: string, input: UpdatePortfolioInput): Promise<PortfolioRow> {
  const changes: Partial<Pick<PortfolioRow, 'name' | 'description'>> = {};
  if (input.name !== undefined && input.name !== null) changes.name = checkName(input.name);
  if (input.description !== undefined) changes.description = checkDescription(input.description);
  return db.transaction(async (tx) => {
    const current = await lockOwnedPortfolio(tx, id, identity.userId);
    if (Object.keys(changes).length === 0) return current;
    const [row] = await tx
      .update(portfolios)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(portfolios.id, current.id))
      .returning();
    if (!row) throw new Error('update of a locked portfolio returned no row');
    return row;
  });
}

/**
 * Archives the caller's portfolio: it stays readable, but its ledger is frozen (recording or
 * deleting an entry answers CONFLICT). Archiving an archived portfolio changes nothing.
 */
export async function archivePortfolio(db: PortfolioDb, identity: Identity, id: string): Promise<PortfolioRow> {
  if (!isUuid(id) || !isUuid(identity.userId)) throw notFound('Portfolio');
  // The UPDATE takes the same row lock recordTransaction holds, so an entry in flight finishes first.
  const [row] = await db
    .update(portfolios)
    .set({ isActive: false, updatedAt: sql`now()` })
    .where(and(eq(portfolios.id, id.toLowerCase()), eq(portfolios.ownerId, identity.userId.toLowerCase())))
    .returning();
  if (!row) throw notFound('Portfolio');
  return row;
}

/**
 * Sets the instrument the caller's portfolio is compared with. The symbol must be in market's
 * universe (asked before any lock is taken); anything else is BAD_USER_INPUT and writes nothing.
 */
export async function setPortfolioBenchmark(db: PortfolioDb, market: MarketClient, identity: Identity, id: string, symbol: string): Promise<PortfolioRow> {
  const wanted = ruled(() => normalizeSymbol(symbol, 'BUY'));
  if (!(await market.findInstrument(wanted))) throw badInput(`Unknown symbol ${wanted}`, 'symbol');
  if (!isUuid(id) || !isUuid(identity.userId)) throw notFound('Portfolio');
  const [row] = await db
    .update(portfolios)
    .set({ benchmarkSymbol: wanted, updatedAt: sql`now()` })
    .where(and(eq(portfolios.id, id.toLowerCase()), eq(portfolios.ownerId, identity.userId.toLowerCase())))
    .returning();
  if (!row) throw notFound('Portfolio');
  return row;
}
