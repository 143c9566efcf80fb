import { iterateChannels } from '@nexanest/bus';
import type { NotificationsContext } from '../context.ts';
import { notificationChannel, parseNotification, type PublishedNotification } from '../notification-channel.ts';
import { callerId } from './caller.ts';

export const Subscription = {
  notificationAdded: {
    /** The caller's own channel only: the user id comes from the gateway-signed identity, never from the client. */
    subscribe: (_parent: unknown, _args: unknown, ctx: NotificationsContext) => {
      const userId = callerId(ctx);
      return iterateChannels(ctx.deps.bus, [notificationChannel(userId)], (message) => {
        const notification = parseNotification(message, userId);
        return notification ? { notificationAdded: notification } : null;
      });
    },
    resolve: (event: { notificationAdded: PublishedNotification }) => event.notificationAdded,
  },
};
