import { hasScope, requireScope, type MarketClient } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import type { WatchlistItemRow, WatchlistRow } from '../db/schema/index.ts';
import { addWatchlistItem, createWatchlist, deleteWatchlist, removeWatchlistItem } from '../services/watchlists.ts';

export const watchlistResolvers = {
  items: (watchlist: WatchlistRow, _args: unknown, ctx: Context): Promise<WatchlistItemRow[]> => ctx.loaders.itemsByWatchlist.load(watchlist.id),
};

export const watchlistItemResolvers = {
  instrument: (item: WatchlistItemRow) => ({ __typename: 'Instrument' as const, symbol: item.symbol }),
};

/** User.watchlists: only the signed-in user's own, with portfolio:read; anyone else's list is empty. */
export const userWatchlistResolvers = {
  watchlists: (user: { id: string }, _args: unknown, ctx: Context): Promise<WatchlistRow[]> | WatchlistRow[] =>
    ctx.identity && ctx.identity.userId.toLowerCase() === user.id.toLowerCase() && hasScope(ctx.identity, 'portfolio:read')
      ? ctx.loaders.watchlistsByOwner.load(user.id)
      : [],
};

export function createWatchlistMutationResolvers(deps: { market: MarketClient }) {
  // The answer lists the items: read them after the write.
  const answer = (ctx: Context, row: WatchlistRow) => {
    ctx.loaders.itemsByWatchlist.clear(row.id);
    return row;
  };
  return {
    async createWatchlist(_parent: unknown, args: { name: string }, ctx: Context): Promise<WatchlistRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      return createWatchlist(await ctx.db(), identity, args.name);
    },
    async addWatchlistItem(_parent: unknown, args: { watchlistId: string; symbol: string }, ctx: Context): Promise<WatchlistRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      return answer(ctx, await addWatchlistItem(await ctx.db(), deps.market, identity, args.watchlistId, args.symbol));
    },
    async removeWatchlistItem(_parent: unknown, args: { watchlistId: string; symbol: string }, ctx: Context): Promise<WatchlistRow> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      return answer(ctx, await removeWatchlistItem(await ctx.db(), identity, args.watchlistId, args.symbol));
    },
    async deleteWatchlist(_parent: unknown, args: { id: string }, ctx: Context): Promise<boolean> {
      const identity = requireScope(ctx.identity, 'portfolio:write');
      await deleteWatchlist(await ctx.db(), identity, args.id);
      ctx.loaders.watchlistsByOwner.clearAll();
      return true;
    },
  };
}
