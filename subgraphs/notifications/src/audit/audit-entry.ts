/** One event of the stream as the audit trail sees it. */
export interface StreamEvent {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
  occurredAt?: string | undefined;
}

/** A row of events.system_events or events.trading_events. */
export interface AuditEntry {
  table: 'system_events' | 'trading_events';
  time: Date;
  eventId: string;
  kind: string;
  actorId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Keeps only the named fields that are present (never a token, a password or a display name). */
const pick = (payload: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(keys.filter((key) => payload[key] !== undefined && payload[key] !== null).map((key) => [key, payload[key]]));

type Shape = Omit<AuditEntry, 'time' | 'eventId' | 'kind'>;

/** What the audit trail records of each topic; topics not listed are not audited. */
const SHAPES: Record<string, (p: Record<string, unknown>) => Shape> = {
  'user.registered': (p) => ({ table: 'system_events', actorId: str(p.userId), subjectType: 'user', subjectId: str(p.userId), data: {} }),
  'login.succeeded': (p) => ({
    table: 'system_events',
    actorId: str(p.userId),
    subjectType: 'user',
    subjectId: str(p.userId),
    data: pick(p, 'ip', 'userAgent'),
  }),
  'login.suspicious': (p) => ({
    table: 'system_events',
    actorId: str(p.userId),
    subjectType: 'user',
    subjectId: str(p.userId),
    data: pick(p, 'ip', 'userAgent'),
  }),
  // A failed sign-in has no user, only the address tried.
  'login.failed': (p) => ({ table: 'system_events', actorId: null, subjectType: 'email', subjectId: str(p.email)?.toLowerCase() ?? null, data: pick(p, 'ip') }),
  'password_reset.requested': (p) => ({ table: 'system_events', actorId: str(p.userId), subjectType: 'user', subjectId: str(p.userId), data: {} }),
  'role.changed': (p) => ({ table: 'system_events', actorId: str(p.byUserId), subjectType: 'user', subjectId: str(p.userId), data: pick(p, 'role') }),
  'portfolio_access.granted': (p) => ({
    table: 'system_events',
    actorId: str(p.ownerId),
    subjectType: 'user',
    subjectId: str(p.advisorId),
    data: pick(p, 'portfolioId'),
  }),
  'portfolio_access.revoked': (p) => ({
    table: 'system_events',
    actorId: str(p.ownerId),
    subjectType: 'user',
    subjectId: str(p.advisorId),
    data: pick(p, 'portfolioId'),
  }),
  'data.exported': (p) => ({ table: 'system_events', actorId: str(p.userId), subjectType: 'user', subjectId: str(p.userId), data: {} }),
  // Recorded after erasure: only the pseudonym, never the id or the address.
  'user.deleted': (p) => ({ table: 'system_events', actorId: str(p.pseudonym), subjectType: 'user', subjectId: str(p.pseudonym), data: {} }),
  'transaction.recorded': (p) => ({
    table: 'trading_events',
    actorId: str(p.userId),
    subjectType: 'transaction',
    subjectId: str(p.transactionId),
    data: pick(p, 'portfolioId', 'type', 'symbol', 'quantity', 'amount', 'currency', 'occurredAt'),
  }),
  'transaction.deleted': (p) => ({
    table: 'trading_events',
    actorId: str(p.userId),
    subjectType: 'transaction',
    subjectId: str(p.transactionId),
    data: pick(p, 'portfolioId'),
  }),
};

/** Topics the audit trail records. */
export const AUDITED_TOPICS: readonly string[] = Object.keys(SHAPES);

/** The audit row for a stream event, or null when its topic is not audited. Pure. */
export function toAuditEntry(event: StreamEvent, now: () => Date = () => new Date()): AuditEntry | null {
  const shape = SHAPES[event.topic];
  if (!shape) return null;
  const occurred = event.occurredAt ? new Date(event.occurredAt) : null;
  const time = occurred && !Number.isNaN(occurred.getTime()) ? occurred : now();
  return { ...shape(event.payload), time, eventId: event.id, kind: event.topic };
}
