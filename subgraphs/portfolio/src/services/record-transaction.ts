import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Decimal } from 'decimal.js';
import { badInput, notFound, type Identity, type MarketClient } from '@nexanest/graphql';
import { isUniqueViolation } from '@nexanest/db';
import type { PortfolioDb } from '../db/index.ts';
import { cashBalances, holdings, transactions, type TransactionRow } from '../db/schema/index.ts';
import {
  applyEntry,
  changesHolding,
  checkInstrumentCurrency,
  createLedgerEntry,
  emptyPosition,
  positionOf,
  type LedgerEntry,
  type TransactionType,
} from '../domain/index.ts';
import { isUuid } from '../ids.ts';
import { lockOwnedPortfolio, requireActive, type Tx } from './portfolio-lock.ts';
import { ruled } from './ruled.ts';
import { enqueueEvent, TRANSACTION_RECORDED } from '../events/outbox.ts';

export interface RecordTransactionInput {
  portfolioId: string;
  type: TransactionType;
  symbol?: string | null;
  quantity?: Decimal | null;
  price?: Decimal | null;
  fees?: Decimal | null;
  amount?: Decimal | null;
  currency: string;
  executedAt: Date;
  idempotencyKey?: string | null;
  notes?: string | null;
}

export interface RecordTransactionDeps {
  market: MarketClient;
  now?: () => Date;
}

export const IDEMPOTENCY_KEY_MAX = 200;
export const NOTES_MAX = 2000;

const findByKey = async (db: PortfolioDb | Tx, portfolioId: string, key: string) =>
  (
    await db
      .select()
      .from(transactions)
      .where(and(eq(transactions.portfolioId, portfolioId), eq(transactions.idempotencyKey, key)))
  )[0];

/**
 * Records a ledger entry and updates the holding and cash balance in ONE database transaction.
 * Locking the portfolio row serializes writers per portfolio, so two concurrent sells read the
 * holding one after the other and can never take it below zero. Bad input writes nothing; an
 * archived portfolio answers CONFLICT.
 */
export async function recordTransaction(
  db: PortfolioDb,
  deps: RecordTransactionDeps,
  identity: Identity,
  input: RecordTransactionInput,
): Promise<TransactionRow> {
  const entry = ruled(() => createLedgerEntry(input, (deps.now ?? (() => new Date()))()));
  const key = input.idempotencyKey ?? null;
  if (key !== null && (key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX))
    throw badInput(`idempotencyKey must be 1 to ${IDEMPOTENCY_KEY_MAX} characters`, 'idempotencyKey');
  if (input.notes && input.notes.length > NOTES_MAX) throw badInput(`notes must be at most ${NOTES_MAX} characters`, 'notes');

  // Asked before the transaction opens: no row lock is held while market answers.
  let holdingCurrency = entry.currency;
  if (entry.symbol) {
    const instrument = await deps.market.findInstrument(entry.symbol);
    if (!instrument) throw badInput(`Unknown symbol ${entry.symbol}`, 'symbol');
    ruled(() => checkInstrumentCurrency(entry, instrument));
    holdingCurrency = instrument.currency;
  }

  if (!isUuid(input.portfolioId) || !isUuid(identity.userId)) throw notFound('Portfolio');
  const portfolioId = input.portfolioId.toLowerCase();
  try {
    return await db.transaction(async (tx) => {
      requireActive(await lockOwnedPortfolio(tx, portfolioId, identity.userId));
      if (key !== null) {
        const first = await findByKey(tx, portfolioId, key);
        if (first) return first;
      }
      if (changesHolding(entry.type) && entry.symbol) {
        await requireDateOrder(tx, portfolioId, entry.symbol, entry.executedAt);
        await applyToHolding(tx, portfolioId, entry, entry.symbol, holdingCurrency);
      }
      const [row] = await tx
        .insert(transactions)
        .values({
          portfolioId,
          type: entry.type,
          symbol: entry.symbol,
          quantity: entry.quantity?.toFixed() ?? null,
          price: entry.price?.toFixed() ?? null,
          fees: entry.fees?.toFixed() ?? null,
          amount: entry.amount.toFixed(),
          currency: entry.currency,
          executedAt: entry.executedAt,
          idempotencyKey: key,
          notes: input.notes ?? null,
        })
        .returning();
      if (!row) throw new Error('insert into transactions returned no row');
      await enqueueEvent(tx, TRANSACTION_RECORDED, {
        userId: identity.userId.toLowerCase(),
        portfolioId,
        transactionId: row.id,
        type: row.type,
        symbol: row.symbol,
        quantity: row.quantity,
        amount: row.amount,
        currency: row.currency,
        occurredAt: new Date(row.executedAt).toISOString(),
      });
      // Cash may go negative: trackers commonly record buys without the deposits that funded them.
      if (!entry.amount.isZero()) {
        await tx
          .insert(cashBalances)
          .values({ portfolioId, currency: entry.currency, amount: entry.amount.toFixed() })
          .onConflictDoUpdate({
            target: [cashBalances.portfolioId, cashBalances.currency],
            set: { amount: sql`${cashBalances.amount} + excluded.amount` },
          });
      }
      return row;
    });
  } catch (error) {
    // Defensive: the row lock makes a duplicate key unlikely, but a racing retry that slipped
    // past it still answers with the first entry.
    if (key !== null && isUniqueViolation(error)) {
      const first = await findByKey(db, portfolioId, key);
      if (first) return first;
    }
    throw error;
  }
}

/**
 * Holdings are kept by applying entries as they arrive, so an entry dated before a later one for
 * the same symbol would be applied out of order (a back-dated SPLIT multiplying today's shares, a
 * SELL before the BUY). Such entries are refused until the ledger is replayed by date.
 */
async function requireDateOrder(tx: Tx, portfolioId: string, symbol: string, executedAt: Date): Promise<void> {
  const [latest] = await tx
    .select({ executedAt: transactions.executedAt })
    .from(transactions)
    .where(and(eq(transactions.portfolioId, portfolioId), eq(transactions.symbol, symbol), inArray(transactions.type, ['BUY', 'SELL', 'SPLIT'])))
    .orderBy(desc(transactions.executedAt))
    .limit(1);
  if (latest && new Date(latest.executedAt).getTime() > executedAt.getTime()) {
    throw badInput(`executedAt is before the latest ${symbol} trade (${new Date(latest.executedAt).toISOString()}); record trades in date order`, 'executedAt');
  }
}

/** Reads the holding under the portfolio lock, applies the entry, and writes it back. */
async function applyToHolding(tx: Tx, portfolioId: string, entry: LedgerEntry, symbol: string, currency: string): Promise<void> {
  const [current] = await tx
    .select()
    .from(holdings)
    .where(and(eq(holdings.portfolioId, portfolioId), eq(holdings.symbol, symbol)));
  const next = ruled(() => applyEntry(current ? positionOf(current) : emptyPosition(), entry));
  const values = { quantity: next.quantity.toFixed(), costBasis: next.costBasis.toFixed(), realizedGain: next.realizedGain.toFixed() };
  await tx
    .insert(holdings)
    .values({ portfolioId, symbol, currency, ...values })
    .onConflictDoUpdate({ target: [holdings.portfolioId, holdings.symbol], set: { ...values, updatedAt: sql`now()` } });
}
