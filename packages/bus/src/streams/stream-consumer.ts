import type { Logger } from '@nexanest/graphql';
import type { Redis } from '../redis.ts';
import { deadLetterKey, parseEntry, type StreamEvent, UnprocessableEventError } from './events.ts';

export interface StreamConsumerOptions {
  /** Any client on the stream's database; the consumer duplicates it (XREADGROUP BLOCK holds its connection). */
  redis: Redis;
  stream: string;
  /** Consumer group: one per subgraph, named after it. Created (from the stream's start) when missing. */
  group: string;
  /** This instance's name in the group. Keep it stable across restarts to resume its own pending entries at once. */
  consumer: string;
  /** Handles one event. Resolving acks it; throwing leaves it pending, to be delivered again. */
  handle: (event: StreamEvent) => Promise<void>;
  logger: Logger;
  /** Deliveries before an event goes to `${stream}:dead` (default 5). */
  maxAttempts?: number;
  /** A pending entry idle this long (its consumer crashed, or its handler failed) is claimed again (default 30 s). */
  claimIdleMs?: number;
  /** XREADGROUP BLOCK: how long one read waits, and so how long `stop` may take (default 1 s). */
  blockMs?: number;
  /** Entries per read (default 50). */
  count?: number;
  /**
   * Entries of one read handled at a time (default 1: in stream order). Above 1, events of a
   * read may be handled out of order: only for handlers whose effects commute.
   */
  concurrency?: number;
}

export interface StreamConsumer {
  /** Creates the group, handles this consumer's own pending entries, then reads until `stop`. */
  start(): Promise<void>;
  /** Finishes the batch in hand, ends the loop (within one BLOCK) and closes the connection. */
  stop(): Promise<void>;
}

type Entry = [id: string, fields: string[] | null];
type ReadResult = [stream: string, entries: Entry[]][] | null;

const ERROR_MAX_LENGTH = 500;

/**
 * At-least-once consumption of a Redis stream in a consumer group. An entry is XACKed only after
 * `handle` resolved. A failed or abandoned entry stays in the group's pending list; once idle for
 * `claimIdleMs` any consumer of the group takes it over with XAUTOCLAIM, which counts a delivery.
 * When the handler fails on delivery `maxAttempts` (or an entry was delivered more often than that
 * without an ack, e.g. it crashes its consumer), the entry is copied to `${stream}:dead` with the
 * reason and acked; so is an entry that is not a valid event, or whose handler threw
 * UnprocessableEventError, at once. Handlers must be idempotent (see `processOnce`): a crash after the effect and
 * before the ack delivers the event again.
 */
export function createStreamConsumer(options: StreamConsumerOptions): StreamConsumer {
  const { stream, group, consumer, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const blockMs = options.blockMs ?? 1000;
  const count = options.count ?? 50;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const dead = deadLetterKey(stream);
  let client: Redis | undefined;
  let stopping = false;
  let loop: Promise<void> | undefined;

  async function ensureGroup(redis: Redis) {
    try {
      await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  async function deadLetter(redis: Redis, entryId: string, fields: string[], attempts: number, reason: string) {
    const error = reason.length > ERROR_MAX_LENGTH ? `${reason.slice(0, ERROR_MAX_LENGTH)}…` : reason;
    await redis
      .multi()
      .xadd(
        dead,
        '*',
        ...fields,
        'entryId',
        entryId,
        'group',
        group,
        'consumer',
        consumer,
        'attempts',
        String(attempts),
        'error',
        error,
        'deadAt',
        new Date().toISOString(),
      )
      .xack(stream, group, entryId)
      .exec();
    logger.error({ stream, group, entryId, attempts, error }, 'event dead-lettered');
  }

  /** Handles one entry; true when it is done with (the caller acks it), false when it stays pending. */
  async function handleEntry(redis: Redis, entryId: string, fields: string[] | null, deliveryCount: number): Promise<boolean> {
    if (!fields) return true; // trimmed from the stream while pending
    const event = parseEntry(entryId, fields, deliveryCount);
    if (typeof event === 'string') {
      await deadLetter(redis, entryId, fields, deliveryCount, event);
      return false;
    }
    if (deliveryCount > maxAttempts) {
      await deadLetter(redis, entryId, fields, deliveryCount, `delivered ${deliveryCount} times without an ack (consumer crashed or stalled)`);
      return false;
    }
    try {
      await options.handle(event);
    } catch (error) {
      const reason = describeError(error);
      if (deliveryCount >= maxAttempts || error instanceof UnprocessableEventError) {
        await deadLetter(redis, entryId, fields, deliveryCount, reason);
        return false;
      }
      logger.warn(
        { stream, group, entryId, eventId: event.id, topic: event.topic, attempt: deliveryCount, err: { message: reason } },
        'event handler failed; will retry',
      );
      return false;
    }
    return true;
  }

  /** Delivery counts of this consumer's pending entries in [first, last]. */
  async function deliveryCounts(redis: Redis, entries: Entry[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (entries.length === 0) return counts;
    const pending = (await redis.xpending(stream, group, entries[0]![0], entries[entries.length - 1]![0], entries.length, consumer)) as [
      string,
      string,
      number,
      number,
    ][];
    for (const [id, , , deliveries] of pending) counts.set(id, Number(deliveries));
    return counts;
  }

  async function handleBatch(redis: Redis, entries: Entry[], known?: number) {
    const counts = known === undefined ? await deliveryCounts(redis, entries) : undefined;
    // A batch is finished even when stopping, so nothing is left half-done on this consumer name.
    // Handled entries are acked together once the batch is through (a crash before that only
    // redelivers them: handlers are idempotent).
    const done: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const [entryId, fields] = entries[next++]!;
        if (await handleEntry(redis, entryId, fields, known ?? counts?.get(entryId) ?? 1)) done.push(entryId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
    if (done.length > 0) await redis.xack(stream, group, ...done);
  }

  /** Takes over entries pending for >= claimIdleMs in the whole group (this consumer's failed ones too). */
  async function claimIdle(redis: Redis) {
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', count)) as [string, Entry[], string[]?];
      await handleBatch(redis, entries);
      cursor = next;
    } while (cursor !== '0-0' && !stopping);
  }

  /** Entries delivered to this consumer name before (a restart after a crash), handled without waiting for them to idle. */
  async function drainOwnPending(redis: Redis) {
    let after = '0';
    while (!stopping) {
      const result = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, after)) as ReadResult;
      const entries = result?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      await handleBatch(redis, entries);
      after = entries[entries.length - 1]![0];
    }
  }

  async function run(redis: Redis) {
    let lastClaim = Date.now();
    while (!stopping) {
      try {
        if (Date.now() - lastClaim >= claimIdleMs) {
          lastClaim = Date.now();
          await claimIdle(redis);
        }
        const result = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>')) as ReadResult;
        if (result?.[0]) await handleBatch(redis, result[0][1], 1);
      } catch (error) {
        if (stopping) return;
        const message = String((error as Error).message);
        logger.warn({ stream, group, err: { message } }, 'stream consumer failed; will retry');
        if (message.includes('NOGROUP')) await ensureGroup(redis).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, blockMs));
      }
    }
  }

  return {
    async start() {
      if (client) return;
      stopping = false;
      const redis = options.redis.duplicate();
      redis.on('error', (error) => logger.warn({ stream, group, err: { message: error.message } }, 'redis error (stream consumer)'));
      client = redis;
      try {
        await ensureGroup(redis);
        await drainOwnPending(redis);
        await claimIdle(redis);
      } catch (error) {
        client = undefined;
        redis.disconnect();
        throw error;
      }
      loop = run(redis);
      logger.info({ stream, group, consumer }, 'consuming stream');
    },
    async stop() {
      stopping = true;
      await loop;
      loop = undefined;
      const redis = client;
      client = undefined;
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * The reason kept with a failed event: the message's first line and the SQLSTATE, if any.
 * Driver messages carry statement parameters on later lines ("params: ..."), which may be secrets.
 */
function describeError(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const code = sqlState(error);
  return code ? `${message} (SQLSTATE ${code})` : message;
}

function sqlState(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  if ('code' in error && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)) return error.code;
  return 'cause' in error ? sqlState(error.cause, depth + 1) : undefined;
}
