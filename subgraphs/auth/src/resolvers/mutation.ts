import { requireSignedInUser } from '@nexanest/graphql';
import { deleteMyAccount } from '../account-deletion.ts';
import { loginUser, registerUser, type RegisterInput } from '../accounts.ts';
import { setUserRole } from '../admin.ts';
import { createApiKey, revokeApiKey, type CreateApiKeyInput } from '../api-keys.ts';
import type { AuthContext } from '../context.ts';
import type { UserRow } from '../db/schema/index.ts';
import { requestPasswordReset, resetPassword, verifyEmail } from '../email-tokens.ts';
import { updateProfile, type UpdateProfileInput } from '../profile.ts';
import { logout, refreshSession } from '../sessions.ts';

export const Mutation = {
  register: (_: unknown, args: { input: RegisterInput }, ctx: AuthContext) => registerUser(ctx.deps, args.input, ctx.clientIp),
  login: (_: unknown, args: { email: string; password: string }, ctx: AuthContext) => loginUser(ctx.deps, args.email, args.password, ctx.clientIp),
  refreshSession: (_: unknown, args: { refreshToken: string }, ctx: AuthContext) => refreshSession(ctx.deps, args.refreshToken),
  logout: (_: unknown, args: { refreshToken: string }, ctx: AuthContext) => logout(ctx.deps, args.refreshToken),
  requestPasswordReset: (_: unknown, args: { email: string }, ctx: AuthContext) => requestPasswordReset(ctx.deps, args.email),
  resetPassword: (_: unknown, args: { token: string; newPassword: string }, ctx: AuthContext) => resetPassword(ctx.deps, args.token, args.newPassword),
  verifyEmail: (_: unknown, args: { token: string }, ctx: AuthContext) => verifyEmail(ctx.deps, args.token),
  updateProfile: (_: unknown, args: { input: UpdateProfileInput }, ctx: AuthContext) =>
    updateProfile(ctx.deps, requireSignedInUser(ctx.identity).userId, args.input),
  createApiKey: (_: unknown, args: { input: CreateApiKeyInput }, ctx: AuthContext) =>
    createApiKey(ctx.deps, requireSignedInUser(ctx.identity).userId, args.input),
  revokeApiKey: (_: unknown, args: { id: string }, ctx: AuthContext) => revokeApiKey(ctx.deps, requireSignedInUser(ctx.identity).userId, args.id),
  setUserRole: (_: unknown, args: { userId: string; role: UserRow['role'] }, ctx: AuthContext) => setUserRole(ctx.deps, ctx.identity, args.userId, args.role),
  deleteMyAccount: (_: unknown, args: { password: string }, ctx: AuthContext) => deleteMyAccount(ctx.deps, ctx.identity, args.password),
};
