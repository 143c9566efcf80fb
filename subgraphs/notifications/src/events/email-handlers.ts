import { processOnce, type StreamEvent, type TopicHandlers, UnprocessableEventError } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { NotificationsDb } from '../db/index.ts';
import { outboundEmails } from '../db/schema/index.ts';
import { renderTokenEmail } from '../domain/emails.ts';

/** Topics auth publishes when a user asks for a one-time link (see subgraphs/auth/src/outbox.ts). */
export const EMAIL_VERIFICATION_REQUESTED = 'email_verification.requested';
export const PASSWORD_RESET_REQUESTED = 'password_reset.requested';

/** The `processed_events` consumer of these handlers. */
const CONSUMER = 'notifications.email';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verification and reset events become rows of the email outbox (`outbound_emails`), once per
 * event id. They are transactional security mail: stored whatever the user's preferences say.
 * Payloads carry one-time tokens: neither payloads nor bodies are ever logged.
 */
export function createEmailHandlers(options: { db: NotificationsDb; appUrl: string; logger: Logger }): TopicHandlers {
  const store = (kind: 'email_verification' | 'password_reset') => async (event: StreamEvent) => {
    const { userId, email, token, expiresAt } = (event.payload ?? {}) as Record<string, unknown>;
    if (typeof email !== 'string' || typeof token !== 'string' || email.trim() === '' || token === '') {
      throw new UnprocessableEventError('email event without address or token');
    }
    const message = renderTokenEmail(kind, { appUrl: options.appUrl, token, expiresAt: typeof expiresAt === 'string' ? expiresAt : undefined });
    const stored = await processOnce(options.db, { consumer: CONSUMER, eventId: event.id }, async (tx) => {
      await tx
        .insert(outboundEmails)
        .values({
          eventId: event.id,
          userId: typeof userId === 'string' && UUID.test(userId) ? userId : null,
          toAddress: email.trim().toLowerCase(),
          subject: message.subject,
          body: message.body,
          kind,
        })
        .onConflictDoNothing({ target: outboundEmails.eventId });
    });
    if (stored) options.logger.info({ eventId: event.id, topic: event.topic }, 'email queued');
  };
  return { [EMAIL_VERIFICATION_REQUESTED]: store('email_verification'), [PASSWORD_RESET_REQUESTED]: store('password_reset') };
}
