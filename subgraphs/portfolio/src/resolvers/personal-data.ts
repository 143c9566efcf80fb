import { forbidden, requireSignedInUser } from '@nexanest/graphql';
import type { Context } from '../context.ts';
import { exportPortfolios } from '../services/personal-data.ts';

interface PersonalDataRef {
  userId: string;
}

/** portfolio's part of the GDPR export; only the user themself, signed in, may read it. */
export const personalDataResolvers = {
  __resolveReference(ref: PersonalDataRef, ctx: Context): PersonalDataRef {
    const caller = requireSignedInUser(ctx.identity);
    if (caller.userId.toLowerCase() !== ref.userId.toLowerCase()) throw forbidden('Only the user themself may export their data');
    return { userId: caller.userId.toLowerCase() };
  },
  portfolios: async (ref: PersonalDataRef, _args: unknown, ctx: Context) => exportPortfolios(await ctx.db(), ref.userId),
};
