import type { NotificationsContext } from '../context.ts';

/** Only the user themself may read their preferences; anyone else gets null, as for a missing user. */
export const User = {
  __resolveReference: (ref: { id: string }, ctx: NotificationsContext) => (ctx.identity?.userId === ref.id ? { id: ref.id } : null),
  notificationPreferences: (user: { id: string }, _args: unknown, ctx: NotificationsContext) => ctx.loaders.preferencesByUserId.load(user.id),
};
