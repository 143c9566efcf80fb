import { requireIdentity } from '@nexanest/graphql';
import type { AuthContext } from '../context.ts';

export const Query = {
  me: (_parent: unknown, _args: unknown, ctx: AuthContext) => ctx.loaders.userById.load(requireIdentity(ctx.identity).userId),
};
