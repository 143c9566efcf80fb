import { createPeriodicTask } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import { createTransport, type Transporter } from 'nodemailer';

export interface EmailSenderOptions {
  /** The owner's connection (the outbox is not readable by requests' role beyond operators). */
  sql: Sql;
  /** smtp:// or smtps:// URL, credentials included: never logged. */
  smtpUrl: string;
  from: string;
  logger: Logger;
  intervalMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** How long a claimed email is reserved for the instance sending it (default 2 min). */
  leaseMs?: number;
  batchSize?: number;
}

export interface EmailSender {
  /** Sends what is due now; returns how many were delivered and how many failed. */
  sendDue(): Promise<{ sent: number; failed: number }>;
  start(): void;
  stop(): Promise<void>;
}

interface DueEmail {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  attempts: number;
}

/** Retry delay after `attempts` failures: base, 2 x base, 4 x base, ... up to the cap. */
export const retryDelayMs = (attempts: number, baseMs: number, maxMs: number) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));

/**
 * Delivers the email outbox through SMTP. Due emails (unsent, fewer than `maxAttempts` tries,
 * `next_attempt_at` passed) are claimed with SKIP LOCKED and a lease, so instances share the work
 * and a crashed sender's emails are tried again when the lease ends. Success records `sent_at`;
 * failure records the attempt, a short reason (the SMTP code and reply, never credentials or
 * bodies) and the next try, with exponential backoff. An email may be delivered twice if the
 * process dies between the server's acceptance and the UPDATE; its Message-ID is stable so
 * receivers can tell.
 */
export function createEmailSender(options: EmailSenderOptions): EmailSender {
  const { sql, logger } = options;
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const batchSize = options.batchSize ?? 20;
  const transport: Transporter = createTransport(options.smtpUrl);
  const domain = messageIdDomain(options.from);

  async function claim(): Promise<DueEmail[]> {
    return sql<DueEmail[]>`
      update outbound_emails set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      where id in (
        select id from outbound_emails
        where sent_at is null and attempts < ${options.maxAttempts} and (next_attempt_at is null or next_attempt_at <= now())
        order by created_at, id
        limit ${batchSize}
        for update skip locked)
      returning id, to_address, subject, body, attempts`;
  }

  async function deliver(email: DueEmail): Promise<boolean> {
    try {
      await transport.sendMail({
        from: options.from,
        to: email.to_address,
        subject: email.subject,
        text: email.body,
        messageId: `<${email.id}@${domain}>`,
      });
    } catch (error) {
      const attempts = email.attempts + 1;
      const delay = retryDelayMs(attempts, options.baseDelayMs, maxDelayMs);
      const reason = describeSmtpError(error);
      await sql`
        update outbound_emails
        set attempts = ${attempts}, last_error = ${reason}, next_attempt_at = now() + ${delay} * interval '1 millisecond'
        where id = ${email.id}`;
      logger.warn({ emailId: email.id, attempts, error: reason, retryInMs: attempts < options.maxAttempts ? delay : null }, 'email not delivered');
      return false;
    }
    await sql`update outbound_emails set sent_at = now(), attempts = attempts + 1, next_attempt_at = null where id = ${email.id}`;
    logger.info({ emailId: email.id }, 'email sent');
    return true;
  }

  async function sendDue() {
    let sent = 0;
    let failed = 0;
    for (;;) {
      const due = await claim();
      for (const email of due) {
        if (await deliver(email)) sent += 1;
        else failed += 1;
      }
      if (due.length < batchSize) return { sent, failed };
    }
  }

  // The first run at once: emails may be waiting from before a restart.
  const task = createPeriodicTask({ run: sendDue, intervalMs: options.intervalMs, firstDelayMs: 0, logger, failureMessage: 'email sender failed; will retry' });
  return {
    sendDue,
    start: task.start,
    async stop() {
      await task.stop();
      transport.close();
    },
  };
}

/** The domain of the From address, for Message-IDs. */
function messageIdDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'nexanest.local';
}

/** nodemailer's code, the SMTP reply code and the reply's first line; no URL (it may hold credentials). */
function describeSmtpError(error: unknown): string {
  const detail = (error ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const reply = typeof detail.response === 'string' ? detail.response : typeof detail.message === 'string' ? detail.message : 'unknown error';
  const text = reply
    .split('\n')[0]!
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .slice(0, 300);
  return [typeof detail.code === 'string' ? detail.code : null, typeof detail.responseCode === 'number' ? String(detail.responseCode) : null, text]
    .filter(Boolean)
    .join(' ');
}
