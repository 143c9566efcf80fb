import { and, count, eq } from 'drizzle-orm';
import { badInput, conflict, notFound, type Identity, type MarketClient } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { watchlistItems, watchlists, type WatchlistRow } from '../db/schema/index.ts';
import { normalizeSymbol } from '../domain/index.ts';
import { isUuid } from '../ids.ts';
import { ruled } from './ruled.ts';

export const WATCHLIST_NAME_MAX = 100;
export const WATCHLIST_ITEMS_MAX = 200;

const ownerOf = (identity: Identity): string => {
  // Identities come from auth, whose user ids are UUIDs; anything else is a broken token.
  if (!isUuid(identity.userId)) throw new Error('identity carries a user id that is not a UUID');
  return identity.userId.toLowerCase();
};

/** Creates a watchlist for the caller; a name they already use is CONFLICT. */
export async function createWatchlist(db: PortfolioDb, identity: Identity, name: string): Promise<WatchlistRow> {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > WATCHLIST_NAME_MAX) throw badInput(`name must be 1 to ${WATCHLIST_NAME_MAX} characters`, 'name');
  const [row] = await db
    .insert(watchlists)
    .values({ ownerId: ownerOf(identity), name: trimmed })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict(`You already have a watchlist named ${JSON.stringify(trimmed)}`);
  return row;
}

/** The caller's watchlist, locked for this transaction; anyone else's is NOT_FOUND like a missing one. */
async function lockOwnedWatchlist(db: PortfolioDb, identity: Identity, id: string): Promise<WatchlistRow> {
  if (!isUuid(id)) throw notFound('Watchlist');
  const [row] = await db
    .select()
    .from(watchlists)
    .where(and(eq(watchlists.id, id.toLowerCase()), eq(watchlists.ownerId, ownerOf(identity))))
    .for('update');
  if (!row) throw notFound('Watchlist');
  return row;
}

/** Adds a symbol of market's universe to the caller's watchlist; adding it again changes nothing. */
export async function addWatchlistItem(db: PortfolioDb, market: MarketClient, identity: Identity, id: string, symbol: string): Promise<WatchlistRow> {
  const wanted = ruled(() => normalizeSymbol(symbol, 'BUY'));
  if (!(await market.findInstrument(wanted))) throw badInput(`Unknown symbol ${wanted}`, 'symbol');
  const watchlist = await lockOwnedWatchlist(db, identity, id);
  const [size] = await db.select({ n: count() }).from(watchlistItems).where(eq(watchlistItems.watchlistId, watchlist.id));
  if (Number(size?.n ?? 0) >= WATCHLIST_ITEMS_MAX) {
    const [present] = await db
      .select({ symbol: watchlistItems.symbol })
      .from(watchlistItems)
      .where(and(eq(watchlistItems.watchlistId, watchlist.id), eq(watchlistItems.symbol, wanted)));
    if (!present) throw badInput(`A watchlist holds at most ${WATCHLIST_ITEMS_MAX} symbols`, 'symbol');
  }
  await db.insert(watchlistItems).values({ watchlistId: watchlist.id, symbol: wanted }).onConflictDoNothing();
  return watchlist;
}

/** Removes a symbol from the caller's watchlist; removing one that is not there changes nothing. */
export async function removeWatchlistItem(db: PortfolioDb, identity: Identity, id: string, symbol: string): Promise<WatchlistRow> {
  const watchlist = await lockOwnedWatchlist(db, identity, id);
  await db.delete(watchlistItems).where(and(eq(watchlistItems.watchlistId, watchlist.id), eq(watchlistItems.symbol, symbol.trim().toUpperCase())));
  return watchlist;
}

/** Deletes the caller's watchlist with its items. */
export async function deleteWatchlist(db: PortfolioDb, identity: Identity, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('Watchlist');
  const deleted = await db
    .delete(watchlists)
    .where(and(eq(watchlists.id, id.toLowerCase()), eq(watchlists.ownerId, ownerOf(identity))))
    .returning({ id: watchlists.id });
  if (deleted.length === 0) throw notFound('Watchlist');
}
