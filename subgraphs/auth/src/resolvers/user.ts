import { canSeeUser, type AuthContext } from '../context.ts';
import type { UserRow } from '../db/schema/index.ts';
import { startExport } from '../personal-data.ts';

/**
 * A User reaches these resolvers only as the caller themself (me, register, login) or through
 * __resolveReference, which hides users the caller may not see: they answer like missing ones.
 * An ADVISOR sees the users who granted them access to a portfolio (the owner of a client
 * portfolio), without their API keys.
 */
export const User = {
  async __resolveReference(ref: { id: string }, ctx: AuthContext) {
    if (canSeeUser(ctx.identity, ref.id) || (await ctx.grantedToCaller.load(ref.id))) return ctx.loaders.userById.load(ref.id);
    return null;
  },
  profile: async (user: UserRow, _args: unknown, ctx: AuthContext) => {
    const profile = await ctx.loaders.profileByUserId.load(user.id);
    // Every user gets a profile in the same transaction; a missing one is a bug, not a client error.
    if (!profile) throw new Error(`profile missing for user ${user.id}`);
    return profile;
  },
  apiKeys: (user: UserRow, _args: unknown, ctx: AuthContext) => (canSeeUser(ctx.identity, user.id) ? ctx.loaders.apiKeysByUserId.load(user.id) : []),
  personalData: (user: UserRow, _args: unknown, ctx: AuthContext) => startExport(ctx.deps, ctx.identity, user.id),
};
