import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import { createPeriodicTask } from '../periodic-task.ts';
import type { Redis } from '../redis.ts';

export interface OutboxRelayOptions {
  /** The producer's own database, holding the outbox table. */
  sql: Sql;
  /** A client on the events database (DB 0). */
  redis: Redis;
  stream: string;
  /**
   * The outbox table (default `outbox_events`), with columns id uuid, topic text, payload jsonb,
   * created_at timestamptz and published_at timestamptz (null until published).
   */
  table?: string;
  intervalMs: number;
  logger: Logger;
  /** Rows per transaction (default 100). */
  batchSize?: number;
}

export interface OutboxRelay {
  /** Publishes what is pending now, in batches; returns how many events it published. */
  publishPending(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Moves committed outbox rows to the Redis stream, oldest first, as entries with fields id,
 * topic, payload (JSON) and occurredAt. Rows are locked with SKIP LOCKED so several instances
 * share the work; a row is marked published in the transaction that XADDed it, so a crash
 * between the two publishes it again (at least once: consumers dedupe on `id`). Payloads may
 * hold tokens: they are never logged.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const table = options.table ?? 'outbox_events';
  if (!IDENTIFIER.test(table)) throw new Error(`invalid outbox table name: ${table}`);
  const batchSize = options.batchSize ?? 100;
  const { sql, redis, stream, logger } = options;

  async function publishBatch(): Promise<number> {
    return sql.begin(async (tx) => {
      const rows = await tx<{ id: string; topic: string; payload: string; occurred_at: string }[]>`
        select id, topic, payload::text as payload,
               to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at
        from ${tx(table)}
        where published_at is null
        order by created_at, id
        limit ${batchSize}
        for update skip locked`;
      if (rows.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const row of rows) pipeline.xadd(stream, '*', 'id', row.id, 'topic', row.topic, 'payload', row.payload, 'occurredAt', row.occurred_at);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0] || results.length !== rows.length) throw new Error(`XADD failed: ${failed?.[0]?.message ?? 'no reply'}`);
      await tx`update ${tx(table)} set published_at = now() where id = any(${rows.map((row) => row.id)}::uuid[])`;
      return rows.length;
    });
  }

  async function publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await publishBatch();
      total += published;
      if (published < batchSize) return total;
    }
  }

  const task = createPeriodicTask({
    run: publishPending,
    intervalMs: options.intervalMs,
    logger,
    failureMessage: 'outbox relay failed; will retry',
    logFields: { table },
  });
  return { publishPending, start: task.start, stop: task.stop };
}
