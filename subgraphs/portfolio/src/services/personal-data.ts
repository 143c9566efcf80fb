import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { PortfolioDb } from '../db/index.ts';
import {
  allocationRules,
  cashBalances,
  goals,
  holdings,
  outboxEvents,
  portfolioAccess,
  portfolios,
  transactions,
  watchlistItems,
  watchlists,
} from '../db/schema/index.ts';

/**
 * portfolio's part of a user's export: their portfolios with ledger, positions, cash, goals and
 * rules; their watchlists; and every access grant they gave or received. Runs in the caller's
 * request transaction, so row-level security also confines it to the caller's rows.
 */
export async function exportPortfolios(db: PortfolioDb, userId: string): Promise<Record<string, unknown>> {
  const owned = await db.select().from(portfolios).where(eq(portfolios.ownerId, userId)).orderBy(asc(portfolios.createdAt));
  const ids = owned.map((p) => p.id);
  const byPortfolio = async <T extends { portfolioId: string }>(rows: Promise<T[]>) => {
    const grouped = new Map<string, Omit<T, 'portfolioId'>[]>();
    for (const { portfolioId, ...rest } of await rows) grouped.set(portfolioId, [...(grouped.get(portfolioId) ?? []), rest]);
    return grouped;
  };
  const none = ids.length === 0;
  const [ledger, positions, cash, goalRows, rules] = await Promise.all([
    byPortfolio(
      none ? Promise.resolve([]) : db.select().from(transactions).where(inArray(transactions.portfolioId, ids)).orderBy(asc(transactions.executedAt)),
    ),
    byPortfolio(none ? Promise.resolve([]) : db.select().from(holdings).where(inArray(holdings.portfolioId, ids))),
    byPortfolio(none ? Promise.resolve([]) : db.select().from(cashBalances).where(inArray(cashBalances.portfolioId, ids))),
    byPortfolio(none ? Promise.resolve([]) : db.select().from(goals).where(inArray(goals.portfolioId, ids))),
    byPortfolio(none ? Promise.resolve([]) : db.select().from(allocationRules).where(inArray(allocationRules.portfolioId, ids))),
  ]);
  const lists = await db.select().from(watchlists).where(eq(watchlists.ownerId, userId)).orderBy(asc(watchlists.createdAt));
  const items = lists.length
    ? await db
        .select()
        .from(watchlistItems)
        .where(
          inArray(
            watchlistItems.watchlistId,
            lists.map((w) => w.id),
          ),
        )
    : [];
  const grants = await db
    .select()
    .from(portfolioAccess)
    .where(or(eq(portfolioAccess.ownerId, userId), eq(portfolioAccess.advisorId, userId)));
  return {
    portfolios: owned.map((p) => ({
      ...p,
      transactions: ledger.get(p.id) ?? [],
      holdings: positions.get(p.id) ?? [],
      cashBalances: cash.get(p.id) ?? [],
      goals: goalRows.get(p.id) ?? [],
      allocationRules: rules.get(p.id) ?? [],
    })),
    watchlists: lists.map((w) => ({ ...w, items: items.filter((item) => item.watchlistId === w.id).map(({ watchlistId: _w, ...item }) => item) })),
    accessGranted: grants.filter((g) => g.ownerId === userId),
    accessReceived: grants.filter((g) => g.advisorId === userId),
  };
}

/** Thrown while events naming the user still wait in the outbox: the erasure is retried after they are out. */
export class UnpublishedEventsError extends Error {}

/**
 * Erases everything portfolio holds about a user (on user.deleted), on the owner's connection:
 * their portfolios (ledger, positions, cash, goals, rules and grants go by cascade), their
 * watchlists, the grants they received as an advisor, and the published outbox events naming
 * them. Idempotent.
 */
export async function eraseUserPortfolios(db: PortfolioDb, userId: string): Promise<void> {
  await db.delete(portfolioAccess).where(or(eq(portfolioAccess.ownerId, userId), eq(portfolioAccess.advisorId, userId)));
  await db.delete(portfolios).where(eq(portfolios.ownerId, userId));
  await db.delete(watchlists).where(eq(watchlists.ownerId, userId));
  const namesUser = sql`strpos(${outboxEvents.payload}::text, ${userId}) > 0`;
  await db.delete(outboxEvents).where(and(sql`${outboxEvents.publishedAt} is not null`, namesUser));
}

/**
 * Events naming the user that wait in the outbox must reach the audit trail before they are
 * erased: while there are any, this throws, so the consumer retries the erasure later.
 */
export async function assertNoUnpublishedEvents(db: PortfolioDb, userId: string): Promise<void> {
  const namesUser = sql`strpos(${outboxEvents.payload}::text, ${userId}) > 0`;
  const waiting = await db
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(isNull(outboxEvents.publishedAt), namesUser))
    .limit(1);
  if (waiting.length > 0) throw new UnpublishedEventsError('events naming the erased user are not published yet; erasure retried');
}
