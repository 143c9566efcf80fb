import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrateDatabase } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { schema, type NotificationsPool } from '../src/db/index.ts';
import { createEmailSender, retryDelayMs } from '../src/email-sender.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let database: TestDatabase;
let pool: NotificationsPool;
let smtp: SMTPServer;
let smtpUrl: string;
const received: Received[] = [];
/** Replies the server gives to the next messages before accepting again (a real 4xx from a real SMTP server). */
const refusals: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase('notif_sender');
  pool = createPool({ url: database.url, max: 4, schema, applicationName: 'email-sender-test' });
  await migrateDatabase(pool.sql, { folder: fileURLToPath(new URL('../drizzle', import.meta.url)), journalTable: '__notifications_migrations' });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = refusals.shift();
        if (refusal) {
          callback(Object.assign(new Error(refusal), { responseCode: 451 }));
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await pool?.close();
  await database?.drop();
});

async function queue(to: string, subject: string) {
  const [row] = await pool.sql`insert into outbound_emails (event_id, to_address, subject, body, kind)
    values (${randomUUID()}, ${to}, ${subject}, ${`Body of ${subject}\nsecond line`}, 'email_verification') returning id`;
  return row!.id as string;
}
const stored = async (id: string) =>
  (
    await pool.sql`select sent_at is not null as sent, attempts, last_error, next_attempt_at > now() as backing_off from outbound_emails where id = ${id}`
  )[0] as {
    sent: boolean;
    attempts: number;
    last_error: string | null;
    backing_off: boolean | null;
  };

const sender = (overrides: { baseDelayMs?: number; maxAttempts?: number; url?: string } = {}) =>
  createEmailSender({
    sql: pool.sql,
    smtpUrl: overrides.url ?? smtpUrl,
    from: 'NexaNest <no-reply@nexanest.test>',
    logger: createLogger('email-sender-test', 'silent'),
    intervalMs: 20,
    maxAttempts: overrides.maxAttempts ?? 5,
    baseDelayMs: overrides.baseDelayMs ?? 60_000,
  });

describe('SMTP email sender', () => {
  it('delivers a due email through the SMTP server and records sentAt', async () => {
    const id = await queue('ann@example.com', 'Welcome');
    const worker = sender();
    try {
      expect(await worker.sendDue()).toEqual({ sent: 1, failed: 0 });
    } finally {
      await worker.stop();
    }
    const message = received.find((mail) => mail.to.includes('ann@example.com'));
    expect(message?.from).toBe('no-reply@nexanest.test');
    expect(message?.raw).toContain('Subject: Welcome');
    expect(message?.raw).toContain('Body of Welcome');
    expect(message?.raw).toContain(`Message-ID: <${id}@nexanest.test>`);
    const row = await stored(id);
    expect(row.sent).toBe(true);
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeNull();
    // Sent once: nothing is due any more.
    const again = sender();
    try {
      expect(await again.sendDue()).toEqual({ sent: 0, failed: 0 });
    } finally {
      await again.stop();
    }
  });

  it('backs off after a refusal, then retries and delivers, keeping the reason', async () => {
    const id = await queue('bob@example.com', 'Retry me');
    refusals.push('Mailbox busy, try again later');
    const worker = sender({ baseDelayMs: 300 });
    try {
      expect(await worker.sendDue()).toEqual({ sent: 0, failed: 1 });
      const failed = await stored(id);
      expect(failed).toMatchObject({ sent: false, attempts: 1, backing_off: true });
      expect(failed.last_error).toContain('451');
      expect(failed.last_error).toContain('Mailbox busy');
      // Not due yet: the backoff holds it back.
      expect(await worker.sendDue()).toEqual({ sent: 0, failed: 0 });
      worker.start();
      const deadline = Date.now() + 10_000;
      while (!(await stored(id)).sent) {
        if (Date.now() > deadline) throw new Error('not retried');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await worker.stop();
    }
    const sent = await stored(id);
    expect(sent.attempts).toBe(2);
    expect(received.filter((mail) => mail.to.includes('bob@example.com'))).toHaveLength(1);
  });

  it('gives up after maxAttempts when the server cannot be reached, without leaking the URL', async () => {
    const id = await queue('cat@example.com', 'Unreachable');
    const worker = sender({ url: 'smtp://user:hunter2@127.0.0.1:1', baseDelayMs: 10, maxAttempts: 2 });
    try {
      await worker.sendDue();
      await new Promise((resolve) => setTimeout(resolve, 30));
      await worker.sendDue();
      expect(await worker.sendDue()).toEqual({ sent: 0, failed: 0 });
    } finally {
      await worker.stop();
    }
    const row = await stored(id);
    expect(row).toMatchObject({ sent: false, attempts: 2 });
    expect(row.last_error).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(row.last_error).not.toContain('hunter2');
  });

  it('doubles the delay per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((attempts) => retryDelayMs(attempts, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});

describe('SMTP settings', () => {
  it('accepts smtp:// and smtps:// URLs only', async () => {
    const { notificationsEnvSchema } = await import('../src/env.ts');
    const parse = (SMTP_URL?: string) => notificationsEnvSchema.safeParse({ NODE_ENV: 'test', ...(SMTP_URL ? { SMTP_URL } : {}) });
    expect(parse().success).toBe(true);
    expect(parse('smtp://127.0.0.1:1025').success).toBe(true);
    expect(parse('smtps://user:secret@mail.example:465').success).toBe(true);
    expect(parse('http://mail.example').success).toBe(false);
    expect(parse('not a url').success).toBe(false);
  });
});
