/** Stream every service's domain events go to (Redis DB 0): `${namespace}:events`. */
export const eventsStreamKey = (namespace: string) => `${namespace}:events`;

/** Where a stream's events go when a consumer gives up on them: `${stream}:dead`. */
export const deadLetterKey = (stream: string) => `${stream}:dead`;

/** Domain events live in Redis DB 0 with the namespace as key prefix. */
export const EVENTS_REDIS_DB = 0;

/** One domain event as a consumer's handler sees it. */
export interface StreamEvent {
  /** The event's own id (a uuid from the producer's outbox): the idempotency key. */
  id: string;
  topic: string;
  /** The parsed JSON payload. */
  payload: unknown;
  /** When the producer wrote the event (ISO), when the producer said so. */
  occurredAt: string | undefined;
  /** The stream entry's id (`<ms>-<seq>`), assigned by Redis. */
  entryId: string;
  /** How many times the group has delivered this entry, this delivery included. */
  deliveryCount: number;
}

/** The flat field list of an entry as a map (XRANGE and XREADGROUP return `[k1, v1, k2, v2, ...]`). */
export function fieldMap(fields: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  return map;
}

/** Parses an entry; a string explains why it is not a valid event (it is dead-lettered at once). */
export function parseEntry(entryId: string, fields: readonly string[], deliveryCount: number): StreamEvent | string {
  const map = fieldMap(fields);
  const id = map.get('id');
  const topic = map.get('topic');
  if (!id || !topic) return 'malformed entry: id or topic missing';
  let payload: unknown;
  try {
    payload = JSON.parse(map.get('payload') ?? 'null');
  } catch {
    return 'malformed entry: payload is not JSON';
  }
  return { id, topic, payload, occurredAt: map.get('occurredAt'), entryId, deliveryCount };
}

/** A handler for some topics: events of other topics are acknowledged without calling anything. */
export type TopicHandlers = Record<string, (event: StreamEvent) => Promise<void>>;

/** One `handle` from a handler per topic; a topic without a handler is skipped (and acked). */
export function routeByTopic(handlers: TopicHandlers): (event: StreamEvent) => Promise<void> {
  return async (event) => {
    const handler = Object.hasOwn(handlers, event.topic) ? handlers[event.topic] : undefined;
    if (handler) await handler(event);
  };
}

/**
 * Thrown by a handler for an event that can never succeed (a payload that breaks the topic's
 * contract): the consumer dead-letters it at once instead of retrying.
 */
export class UnprocessableEventError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnprocessableEventError';
  }
}
