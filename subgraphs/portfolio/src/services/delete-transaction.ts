import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { notFound, type Identity } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { cashBalances, holdings, portfolios, transactions } from '../db/schema/index.ts';
import { cashOf, changesHolding, replayPosition, type TransactionType } from '../domain/index.ts';
import { isUuid } from '../ids.ts';
import { lockOwnedPortfolio, requireActive, type Tx } from './portfolio-lock.ts';
import { ruled } from './ruled.ts';
import { enqueueEvent, TRANSACTION_DELETED } from '../events/outbox.ts';

/**
 * Deletes one of the caller's ledger entries and rebuilds what it fed: the symbol's holding, by
 * replaying that symbol's remaining trades in ledger order, and the cash balance of its currency,
 * as the sum of the remaining entries. When the remaining ledger is impossible (a later SELL would
 * sell more than is held) it answers BAD_USER_INPUT and writes nothing. Another user's entry, a
 * missing one and one an advisor may only read all answer NOT_FOUND.
 */
export async function deleteTransaction(db: PortfolioDb, identity: Identity, transactionId: string): Promise<{ portfolioId: string }> {
  if (!isUuid(transactionId) || !isUuid(identity.userId)) throw notFound('Transaction');
  const id = transactionId.toLowerCase();
  const [found] = await db
    .select({ portfolioId: transactions.portfolioId })
    .from(transactions)
    .innerJoin(portfolios, eq(portfolios.id, transactions.portfolioId))
    .where(and(eq(transactions.id, id), eq(portfolios.ownerId, identity.userId.toLowerCase())));
  if (!found) throw notFound('Transaction');

  return db.transaction(async (tx) => {
    requireActive(await lockOwnedPortfolio(tx, found.portfolioId, identity.userId));
    // Read again under the lock: a concurrent delete may have taken it meanwhile.
    const [entry] = await tx
      .delete(transactions)
      .where(and(eq(transactions.id, id), eq(transactions.portfolioId, found.portfolioId)))
      .returning();
    if (!entry) throw notFound('Transaction');
    if (changesHolding(entry.type as TransactionType) && entry.symbol) await rebuildHolding(tx, entry.portfolioId, entry.symbol);
    if (!cashOf([entry.amount]).isZero()) await rebuildCash(tx, entry.portfolioId, entry.currency);
    await enqueueEvent(tx, TRANSACTION_DELETED, { userId: identity.userId.toLowerCase(), portfolioId: entry.portfolioId, transactionId: entry.id });
    return { portfolioId: entry.portfolioId };
  });
}

async function rebuildHolding(tx: Tx, portfolioId: string, symbol: string): Promise<void> {
  const entries = await tx
    .select()
    .from(transactions)
    .where(and(eq(transactions.portfolioId, portfolioId), eq(transactions.symbol, symbol), inArray(transactions.type, ['BUY', 'SELL', 'SPLIT'])))
    .orderBy(asc(transactions.executedAt), asc(transactions.createdAt), asc(transactions.id));
  const position = ruled(() => replayPosition(entries));
  await tx
    .update(holdings)
    .set({
      quantity: position.quantity.toFixed(),
      costBasis: position.costBasis.toFixed(),
      realizedGain: position.realizedGain.toFixed(),
      updatedAt: sql`now()`,
    })
    .where(and(eq(holdings.portfolioId, portfolioId), eq(holdings.symbol, symbol)));
}

async function rebuildCash(tx: Tx, portfolioId: string, currency: string): Promise<void> {
  const rows = await tx
    .select({ amount: transactions.amount })
    .from(transactions)
    .where(and(eq(transactions.portfolioId, portfolioId), eq(transactions.currency, currency)));
  const balance = cashOf(rows.map((row) => row.amount));
  await tx
    .update(cashBalances)
    .set({ amount: balance.toFixed() })
    .where(and(eq(cashBalances.portfolioId, portfolioId), eq(cashBalances.currency, currency)));
}
