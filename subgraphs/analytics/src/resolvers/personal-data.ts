import { forbidden, requireSignedInUser } from '@nexanest/graphql';
import type { AnalyticsContext } from '../context.ts';
import { exportAnalytics } from '../personal-data.ts';

interface PersonalDataRef {
  userId: string;
}

/** analytics' part of the GDPR export; only the user themself, signed in, may read it. */
export const PersonalData = {
  __resolveReference(ref: PersonalDataRef, ctx: AnalyticsContext): PersonalDataRef {
    const caller = requireSignedInUser(ctx.identity);
    if (caller.userId.toLowerCase() !== ref.userId.toLowerCase()) throw forbidden('Only the user themself may export their data');
    return { userId: caller.userId.toLowerCase() };
  },
  analytics: (ref: PersonalDataRef, _args: unknown, ctx: AnalyticsContext) => exportAnalytics(ctx.deps.timescaleSql, ref.userId),
};
