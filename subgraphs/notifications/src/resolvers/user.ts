import { badInput, notFound } from '@nexanest/graphql';
import type { NotificationsContext } from '../context.ts';
import { decodeCursor, encodeCursor } from '../domain/cursor.ts';
import { countNotifications, listNotificationsAfter } from '../notifications-store.ts';
import { listPriceAlerts } from '../price-alerts-store.ts';
import { callerId } from './caller.ts';

export const MAX_PAGE_SIZE = 100;

/** The caller's own id, or NOT_FOUND: nobody reads another user's notifications or alerts. */
function ownerOf(user: { id: string }, ctx: NotificationsContext): string {
  const userId = callerId(ctx);
  if (user.id.toLowerCase() !== userId) throw notFound('User');
  return userId;
}

/** Only the user themself may read their data; anyone else gets null, as for a missing user. */
export const User = {
  __resolveReference: (ref: { id: string }, ctx: NotificationsContext) => (ctx.identity?.userId === ref.id ? { id: ref.id } : null),
  notificationPreferences: (user: { id: string }, _args: unknown, ctx: NotificationsContext) => ctx.loaders.preferencesByUserId.load(user.id),

  notifications: async (user: { id: string }, args: { first?: number | null; after?: string | null }, ctx: NotificationsContext) => {
    const userId = ownerOf(user, ctx);
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be 1 to ${MAX_PAGE_SIZE}`, 'first');
    const cursor = args.after ? decodeCursor(args.after) : null;
    if (args.after && !cursor) throw badInput('after is not a cursor this API issued', 'after');
    const db = await ctx.db();
    let counts: ReturnType<typeof countNotifications> | undefined;
    const countsOnce = () => (counts ??= countNotifications(db, userId));
    const rows = await listNotificationsAfter(db, userId, cursor, first);
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      // Counted only when asked for.
      totalCount: async () => (await countsOnce()).total,
      unreadCount: async () => (await countsOnce()).unread,
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null },
      edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
    };
  },

  priceAlerts: async (user: { id: string }, args: { activeOnly?: boolean | null }, ctx: NotificationsContext) =>
    listPriceAlerts(await ctx.db(), ownerOf(user, ctx), args.activeOnly === true),
};
