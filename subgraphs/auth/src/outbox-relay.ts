import type { Redis } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';

/** Stream every service's domain events go to (Redis DB 0): `${namespace}:events`. */
export const eventsStreamKey = (namespace: string) => `${namespace}:events`;

const BATCH = 100;

export interface OutboxRelay {
  /** Publishes what is pending now; returns how many events it published. */
  publishPending(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Moves committed outbox rows to the Redis stream, oldest first, with fields topic, payload
 * (JSON) and id. Rows are locked with SKIP LOCKED so several auth instances share the work; a
 * row is marked published in the same transaction that XADDed it, so a crash between the two
 * republishes it (at-least-once: consumers dedupe on `id`). Payloads hold tokens and are never logged.
 */
export function createOutboxRelay(options: { sql: Sql; redis: Redis; namespace: string; intervalMs: number; logger: Logger }): OutboxRelay {
  const stream = eventsStreamKey(options.namespace);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function publishPending(): Promise<number> {
    return options.sql.begin(async (tx) => {
      const rows = await tx<{ id: string; topic: string; payload: string }[]>`
        select id, topic, payload::text as payload from outbox_events
        where published_at is null
        order by created_at, id
        limit ${BATCH}
        for update skip locked`;
      for (const row of rows) {
        await options.redis.xadd(stream, '*', 'topic', row.topic, 'payload', row.payload, 'id', row.id);
      }
      if (rows.length > 0) {
        await tx`update outbox_events set published_at = now() where id = any(${rows.map((row) => row.id)}::text[]::uuid[])`;
      }
      return rows.length;
    });
  }

  const tick = () => {
    running = publishPending()
      .catch((error: unknown) => options.logger.warn({ err: { message: (error as Error).message } }, 'outbox relay failed; will retry'))
      .finally(() => {
        if (timer) timer = setTimeout(tick, options.intervalMs);
      });
  };

  return {
    publishPending,
    start() {
      if (timer) return;
      timer = setTimeout(tick, options.intervalMs);
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
