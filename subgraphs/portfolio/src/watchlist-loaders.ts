import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import type { PortfolioDb } from './db/index.ts';
import { watchlistItems, watchlists, type WatchlistItemRow, type WatchlistRow } from './db/schema/index.ts';
import { groupBy } from './grouping.ts';
import { idKey, isUuid } from './ids.ts';

export interface WatchlistLoaders {
  /** The caller's watchlists, oldest first; another user's list is empty. */
  watchlistsByOwner: DataLoader<string, WatchlistRow[]>;
  /** Items by watchlist id, in the order they were added. Callers pass only the caller's lists. */
  itemsByWatchlist: DataLoader<string, WatchlistItemRow[]>;
}

/** One statement per batch each; `readerId` is the caller allowed to read (null: nobody). */
export function createWatchlistLoaders(db: () => Promise<PortfolioDb>, readerId: string | null): WatchlistLoaders {
  return {
    watchlistsByOwner: new DataLoader(async (owners) => {
      const wanted = owners.filter((owner) => isUuid(owner) && idKey(owner) === readerId).map(idKey);
      if (wanted.length === 0) return owners.map(() => []);
      const rows = await (await db())
        .select()
        .from(watchlists)
        .where(inArray(watchlists.ownerId, wanted))
        .orderBy(asc(watchlists.createdAt), asc(watchlists.id));
      return groupBy(owners, rows, (row) => row.ownerId);
    }),
    itemsByWatchlist: new DataLoader(async (ids) => {
      const wanted = ids.filter(isUuid).map(idKey);
      if (wanted.length === 0) return ids.map(() => []);
      const rows = await (await db())
        .select()
        .from(watchlistItems)
        .where(inArray(watchlistItems.watchlistId, wanted))
        .orderBy(asc(watchlistItems.addedAt), asc(watchlistItems.symbol));
      return groupBy(ids, rows, (row) => row.watchlistId);
    }),
  };
}
