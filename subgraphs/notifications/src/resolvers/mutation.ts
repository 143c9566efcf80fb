import { requireIdentity } from '@nexanest/graphql';
import type { NotificationsContext } from '../context.ts';
import type { PreferencesChange } from '../domain/preferences.ts';
import { updatePreferences } from '../preferences-store.ts';

export const Mutation = {
  updateNotificationPreferences: (_parent: unknown, args: { input: PreferencesChange }, ctx: NotificationsContext) =>
    updatePreferences(ctx.deps.db, requireIdentity(ctx.identity).userId, args.input),
};
