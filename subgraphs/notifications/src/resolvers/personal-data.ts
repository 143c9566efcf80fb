import { forbidden, requireSignedInUser } from '@nexanest/graphql';
import type { NotificationsContext } from '../context.ts';
import { exportNotifications } from '../personal-data.ts';

interface PersonalDataRef {
  userId: string;
}

/** notifications' part of the GDPR export; only the user themself, signed in, may read it. */
export const PersonalData = {
  __resolveReference(ref: PersonalDataRef, ctx: NotificationsContext): PersonalDataRef {
    const caller = requireSignedInUser(ctx.identity);
    if (caller.userId.toLowerCase() !== ref.userId.toLowerCase()) throw forbidden('Only the user themself may export their data');
    return { userId: caller.userId.toLowerCase() };
  },
  notifications: async (ref: PersonalDataRef, _args: unknown, ctx: NotificationsContext) => exportNotifications(await ctx.db(), ref.userId),
};
