import { eq } from 'drizzle-orm';
import { type Bus, processOnce, type StreamEvent, type TopicHandlers, UnprocessableEventError } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import { knownAddresses } from '../alert-evaluation-store.ts';
import type { NotificationsDb } from '../db/index.ts';
import { type NotificationKind, type NotificationRow, notificationPreferences, notifications, outboundEmails } from '../db/schema/index.ts';
import {
  type RenderedNotification,
  renderGoalReached,
  renderSecurityEmail,
  renderSuspiciousLogin,
  renderTransactionConfirmation,
} from '../domain/event-notifications.ts';
import { DEFAULT_PREFERENCES, pickPreferences, type Preferences } from '../domain/preferences.ts';
import { publishNotification } from '../notification-channel.ts';

/** Topics other subgraphs publish that become notifications here (catalog: docs/events.md). */
export const TRANSACTION_RECORDED = 'transaction.recorded';
export const LOGIN_SUSPICIOUS = 'login.suspicious';
export const GOAL_REACHED = 'goal.reached';

/** The `processed_events` consumer of these handlers. */
const CONSUMER = 'notifications.in_app';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Tx = Parameters<Parameters<NotificationsDb['transaction']>[0]>[0];

interface Decision {
  /** The in-app notification, when the user wants it. */
  inApp: RenderedNotification | null;
  /** The email, when the user wants it (sent only to an address this service knows). */
  email: { subject: string; body: string; kind: string } | null;
}

export interface NotificationHandlersOptions {
  /** The system (owner) connection. */
  db: NotificationsDb;
  /** Where `notificationAdded` listens: each stored notification is published to its owner's channel after COMMIT. */
  bus: Bus;
  appUrl: string;
  logger: Logger;
}

/**
 * Transaction confirmations, new-sign-in security alerts and goals reached: each event is stored
 * as the user's preferences say (in-app notification, email in the outbox, both or neither),
 * once per event id (processOnce), then the notification is published to the user's channel.
 * A crash between COMMIT and publish loses the live push only: the notification stays listable.
 */
export function createNotificationHandlers(options: NotificationHandlersOptions): TopicHandlers {
  const { db, bus, logger } = options;

  const deliver =
    (decide: (payload: Record<string, unknown>, preferences: Preferences, event: StreamEvent) => Decision, kind: NotificationKind) =>
    async (event: StreamEvent) => {
      const payload = (event.payload ?? {}) as Record<string, unknown>;
      const userId = payload.userId;
      if (typeof userId !== 'string' || !UUID.test(userId)) throw new UnprocessableEventError(`${event.topic} without a valid userId`);
      const user = userId.toLowerCase();
      let added: NotificationRow | undefined;
      await processOnce(db, { consumer: CONSUMER, eventId: event.id }, async (tx: Tx) => {
        const [stored] = await tx.select().from(notificationPreferences).where(eq(notificationPreferences.userId, user));
        const decision = decide(payload, stored ? pickPreferences(stored) : DEFAULT_PREFERENCES, event);
        if (decision.inApp) {
          [added] = await tx
            .insert(notifications)
            .values({ userId: user, kind, ...decision.inApp })
            .returning();
        }
        if (decision.email) {
          const to = (await knownAddresses(tx, [user])).get(user);
          if (to) {
            await tx
              .insert(outboundEmails)
              .values({ eventId: event.id, userId: user, toAddress: to, ...decision.email })
              .onConflictDoNothing({ target: outboundEmails.eventId });
          }
        }
      });
      if (added) {
        const row = added;
        await publishNotification(bus, row).catch((error: unknown) =>
          logger.warn({ eventId: event.id, err: { message: (error as Error).message } }, 'could not publish a notification; it stays listable'),
        );
      }
    };

  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

  return {
    [TRANSACTION_RECORDED]: deliver((payload, preferences) => {
      if (!preferences.transactionConfirmations || !preferences.inAppEnabled) return { inApp: null, email: null };
      const amount = text(payload.amount);
      const currency = text(payload.currency);
      const transactionId = text(payload.transactionId);
      if (!amount || !currency || !transactionId) throw new UnprocessableEventError('transaction.recorded without transactionId, amount or currency');
      return {
        inApp: renderTransactionConfirmation({
          portfolioId: text(payload.portfolioId) ?? '',
          transactionId,
          type: text(payload.type) ?? 'TRANSACTION',
          symbol: text(payload.symbol),
          quantity: text(payload.quantity),
          amount,
          currency,
          occurredAt: text(payload.occurredAt) ?? '',
        }),
        email: null,
      };
    }, 'TRANSACTION'),

    [LOGIN_SUSPICIOUS]: deliver((payload, preferences, event) => {
      if (!preferences.securityAlerts) return { inApp: null, email: null };
      const rendered = renderSuspiciousLogin({ ip: text(payload.ip), userAgent: text(payload.userAgent), at: event.occurredAt ?? new Date().toISOString() });
      return {
        inApp: preferences.inAppEnabled ? rendered : null,
        email: preferences.emailEnabled ? { ...renderSecurityEmail(rendered, options.appUrl), kind: 'security_alert' } : null,
      };
    }, 'SECURITY'),

    [GOAL_REACHED]: deliver((payload, preferences) => {
      if (!preferences.inAppEnabled) return { inApp: null, email: null };
      const goalId = text(payload.goalId);
      if (!goalId) throw new UnprocessableEventError('goal.reached without goalId');
      return { inApp: renderGoalReached({ goalId, portfolioId: text(payload.portfolioId) ?? '', name: text(payload.name) }), email: null };
    }, 'GOAL'),
  };
}
