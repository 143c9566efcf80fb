import { requireSignedInUser } from '@nexanest/graphql';
import type { NotificationsContext } from '../context.ts';

/**
 * The signed-in user's id, lower-case. Notifications and alerts are for people signed in as
 * themselves: anonymous callers get UNAUTHENTICATED, API keys FORBIDDEN.
 */
export const callerId = (ctx: Pick<NotificationsContext, 'identity'>): string => requireSignedInUser(ctx.identity).userId.toLowerCase();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
