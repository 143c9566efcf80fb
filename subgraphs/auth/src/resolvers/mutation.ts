import { loginUser, registerUser, type RegisterInput } from '../accounts.ts';
import type { AuthContext } from '../context.ts';

export const Mutation = {
  register: (_parent: unknown, args: { input: RegisterInput }, ctx: AuthContext) => registerUser(ctx.deps, args.input),
  login: (_parent: unknown, args: { email: string; password: string }, ctx: AuthContext) => loginUser(ctx.deps, args.email, args.password),
};
