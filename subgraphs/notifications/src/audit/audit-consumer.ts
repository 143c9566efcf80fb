import { hostname } from 'node:os';
import { createStreamConsumer, eventsStreamKey, type Redis, type StreamConsumer } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import { toAuditEntry } from './audit-entry.ts';
import { pseudonymizeUser, recordAuditEntry } from './audit-store.ts';

/** The audit trail's consumer group. */
export const AUDIT_GROUP = 'audit';

/**
 * Records every audited event in events.system_events / events.trading_events (the time-series
 * database). Idempotent: an event is keyed by (event id, time), and its time comes from the event
 * (occurredAt, else the stream entry's id), so a redelivery writes nothing. user.deleted first
 * pseudonymises the user everywhere in the trail, then records the deletion under the pseudonym.
 */
export function createAuditConsumer(options: { sql: Sql; redis: Redis; namespace: string; logger: Logger }): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: AUDIT_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    logger: options.logger,
    async handle(event) {
      const payload = event.payload && typeof event.payload === 'object' ? (event.payload as Record<string, unknown>) : {};
      const entryTime = new Date(Number(event.entryId.split('-')[0]));
      const entry = toAuditEntry({ id: event.id, topic: event.topic, payload, occurredAt: event.occurredAt }, () => entryTime);
      if (!entry) return;
      if (event.topic === 'user.deleted') {
        const { userId, email, pseudonym } = payload;
        if (typeof userId !== 'string' || typeof pseudonym !== 'string') return;
        await pseudonymizeUser(options.sql, { userId, email: typeof email === 'string' ? email : null, pseudonym });
      }
      await recordAuditEntry(options.sql, entry);
    },
  });
}
