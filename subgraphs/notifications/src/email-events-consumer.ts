import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connectRedis, type Redis, type RedisTarget } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { NotificationsDb } from './db/index.ts';
import { outboundEmails } from './db/schema/index.ts';
import { renderTokenEmail, type EmailKind } from './domain/emails.ts';

/** Topics auth publishes on `${namespace}:events` (see subgraphs/auth/src/outbox.ts). */
export const EMAIL_VERIFICATION_REQUESTED = 'email_verification.requested';
export const PASSWORD_RESET_REQUESTED = 'password_reset.requested';
const KIND_BY_TOPIC: Record<string, Exclude<EmailKind, 'price_alert'>> = {
  [EMAIL_VERIFICATION_REQUESTED]: 'email_verification',
  [PASSWORD_RESET_REQUESTED]: 'password_reset',
};

/** The consumer group every notifications instance joins; instances share the work. */
export const EMAIL_CONSUMER_GROUP = 'notifications';
export const eventsStreamKey = (namespace: string) => `${namespace}:events`;

export interface EmailEventsConsumerOptions {
  db: NotificationsDb;
  /** A Redis URL or a cluster (see redisTarget). */
  redisUrl: RedisTarget;
  namespace: string;
  logger: Logger;
  /** Base URL of the web app the emailed links point to. */
  appUrl: string;
  /** Name of this consumer in the group; stable across restarts of one instance lets it resume its own pending entries. */
  consumerName?: string;
  blockMs?: number;
  count?: number;
  /** Pending entries idle this long (a crashed or stuck consumer's) are claimed. */
  minIdleMs?: number;
}

export interface EmailEventsConsumer {
  readonly consumerName: string;
  /** Creates the group, claims stale pending entries, then reads new events until `stop`. */
  start(): Promise<void>;
  /** Ends the loop (within one BLOCK interval) and disconnects. */
  stop(): Promise<void>;
}

type StreamEntry = [id: string, fields: string[] | null];

/**
 * Turns auth's email events into rows of `outbound_emails`: consumer group `notifications` on
 * `${namespace}:events` (Redis DB 0, a connection of its own because XREADGROUP blocks). Each
 * entry is stored with `on conflict (event_id) do nothing` and only then XACKed, so delivery is
 * at least once and storage exactly once in effect. An entry whose insert failed stays pending
 * and is claimed again (XAUTOCLAIM, idle >= minIdleMs) at start and periodically.
 *
 * Verification and reset emails are transactional security mail: they are stored whatever the
 * user's notification preferences say (emailEnabled/securityAlerts do not apply to them).
 * Payloads carry one-time tokens: neither payloads nor bodies are ever logged.
 */
export function createEmailEventsConsumer(options: EmailEventsConsumerOptions): EmailEventsConsumer {
  const stream = eventsStreamKey(options.namespace);
  const consumerName = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const blockMs = options.blockMs ?? 1000;
  const count = options.count ?? 50;
  const minIdleMs = options.minIdleMs ?? 30_000;
  const { logger } = options;
  let redis: Redis | undefined;
  let stopping = false;
  let loop: Promise<void> | undefined;

  async function ensureGroup(client: Redis) {
    try {
      // From the start of the stream: events auth published before this group existed are sent too.
      await client.xgroup('CREATE', stream, EMAIL_CONSUMER_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  /** Stores the email an entry asks for (if any); true when the entry may be acked. */
  async function handle(entryId: string, fields: string[] | null): Promise<boolean> {
    if (!fields) return true; // deleted from the stream while pending
    const field = (name: string) => {
      for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
      return undefined;
    };
    const topic = field('topic') ?? '';
    const kind = KIND_BY_TOPIC[topic];
    if (!kind) return true; // not ours
    const eventId = field('id') ?? `stream:${entryId}`;
    let payload: { userId?: unknown; email?: unknown; token?: unknown; expiresAt?: unknown };
    try {
      payload = JSON.parse(field('payload') ?? 'null') ?? {};
    } catch {
      payload = {};
    }
    const { userId, email, token, expiresAt } = payload;
    if (typeof email !== 'string' || typeof token !== 'string' || email.trim() === '' || token === '') {
      logger.error({ eventId, topic }, 'email event without address or token; dropped');
      return true; // it will never become valid
    }
    const message = renderTokenEmail(kind, { appUrl: options.appUrl, token, expiresAt: typeof expiresAt === 'string' ? expiresAt : undefined });
    try {
      await options.db
        .insert(outboundEmails)
        .values({
          eventId,
          userId: typeof userId === 'string' && UUID.test(userId) ? userId : null,
          toAddress: email.trim().toLowerCase(),
          subject: message.subject,
          body: message.body,
          kind,
        })
        .onConflictDoNothing({ target: outboundEmails.eventId });
    } catch (error) {
      // drizzle's message carries the parameters (the body, i.e. the token): only the SQLSTATE is logged.
      logger.warn({ eventId, topic, code: sqlState(error) }, 'could not store email; the event stays pending');
      return false;
    }
    logger.info({ eventId, topic }, 'email queued');
    return true;
  }

  async function handleEntries(client: Redis, entries: StreamEntry[]) {
    // A batch is finished even when stopping, so no entry is left pending on this consumer name.
    for (const [entryId, fields] of entries) {
      if (await handle(entryId, fields)) await client.xack(stream, EMAIL_CONSUMER_GROUP, entryId);
    }
  }

  /** Claims pending entries idle >= minIdleMs (a crashed consumer's, or our own failed ones) and handles them. */
  async function claimStale(client: Redis) {
    let cursor = '0-0';
    do {
      const [next, entries] = (await client.xautoclaim(stream, EMAIL_CONSUMER_GROUP, consumerName, minIdleMs, cursor, 'COUNT', count)) as [
        string,
        StreamEntry[],
      ];
      await handleEntries(client, entries);
      cursor = next;
    } while (cursor !== '0-0' && !stopping);
  }

  /** Entries delivered to this consumer name before and never acked (a restart after a crash). */
  async function drainOwnPending(client: Redis) {
    let after = '0';
    while (!stopping) {
      const result = (await client.xreadgroup('GROUP', EMAIL_CONSUMER_GROUP, consumerName, 'COUNT', count, 'STREAMS', stream, after)) as
        | [string, StreamEntry[]][]
        | null;
      const entries = result?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      await handleEntries(client, entries);
      after = entries[entries.length - 1]![0];
    }
  }

  async function run(client: Redis) {
    let lastClaim = Date.now();
    while (!stopping) {
      try {
        if (Date.now() - lastClaim >= minIdleMs) {
          lastClaim = Date.now();
          await claimStale(client);
        }
        const result = (await client.xreadgroup('GROUP', EMAIL_CONSUMER_GROUP, consumerName, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>')) as
          | [string, StreamEntry[]][]
          | null;
        if (result?.[0]) await handleEntries(client, result[0][1]);
      } catch (error) {
        if (stopping) return;
        const message = String((error as Error).message);
        logger.warn({ err: { message } }, 'email events consumer failed; will retry');
        if (message.includes('NOGROUP')) await ensureGroup(client).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, blockMs));
      }
    }
  }

  return {
    consumerName,
    async start() {
      if (redis) return;
      stopping = false;
      const client = connectRedis(options.redisUrl, 0);
      client.on('error', (error) => logger.warn({ err: { message: error.message } }, 'redis error (email events)'));
      redis = client;
      try {
        await ensureGroup(client);
        await drainOwnPending(client);
        await claimStale(client);
      } catch (error) {
        redis = undefined;
        client.disconnect();
        throw error;
      }
      loop = run(client);
      logger.info({ stream, group: EMAIL_CONSUMER_GROUP, consumer: consumerName }, 'consuming email events');
    },
    async stop() {
      stopping = true;
      await loop;
      loop = undefined;
      const client = redis;
      redis = undefined;
      if (client) await client.quit().catch(() => client.disconnect());
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sqlState = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error) return String(error.code);
  return 'cause' in error ? sqlState(error.cause) : undefined;
};
