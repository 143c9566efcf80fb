import { requireIdentity } from '@nexanest/graphql';
import { assertOperator, listUsers } from '../admin.ts';
import type { AuthContext } from '../context.ts';

export const Query = {
  me: (_parent: unknown, _args: unknown, ctx: AuthContext) => ctx.loaders.userById.load(requireIdentity(ctx.identity).userId),
  users: (_parent: unknown, args: { first: number; after?: string | null }, ctx: AuthContext) => {
    assertOperator(requireIdentity(ctx.identity));
    return listUsers(ctx.deps, args.first, args.after);
  },
};
