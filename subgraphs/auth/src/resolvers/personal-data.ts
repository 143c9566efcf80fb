import type { AuthContext } from '../context.ts';
import { assertOwnData, exportAccount, type PersonalDataRef } from '../personal-data.ts';

export const PersonalData = {
  __resolveReference(ref: PersonalDataRef, ctx: AuthContext): PersonalDataRef {
    assertOwnData(ctx.identity, ref.userId);
    return { userId: ref.userId };
  },
  generatedAt: (ref: PersonalDataRef) => ref.generatedAt ?? new Date(),
  account: (ref: PersonalDataRef, _args: unknown, ctx: AuthContext) => exportAccount(ctx.deps, ref.userId),
};
