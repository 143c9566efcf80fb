import { createHash } from 'node:crypto';
import { badInput } from '@nexanest/graphql';
import type { Sql } from '@nexanest/db';
import type { AuditEntry } from './audit-entry.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A stream event id as a uuid: itself when it is one, else a stable uuid-shaped hash of it. */
const eventUuid = (id: string) => {
  if (UUID.test(id)) return id.toLowerCase();
  const h = sha256(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** Per database client, the `<table>:<YYYY-MM>` partitions already ensured (native partitioning; a no-op on TimescaleDB). */
const ensuredBySql = new WeakMap<Sql, Set<string>>();

/**
 * Records an audit entry once: (event_id, time) is the primary key, so a redelivered event
 * changes nothing. Ids of users erased before the event arrived (a late event from another
 * producer) are replaced by their pseudonym here, so no erased id is ever written again.
 * Returns whether a row was written.
 */
export async function recordAuditEntry(sql: Sql, entry: AuditEntry): Promise<boolean> {
  const month = entry.time.toISOString().slice(0, 7);
  const key = `${entry.table}:${month}`;
  const ensured = ensuredBySql.get(sql) ?? new Set<string>();
  ensuredBySql.set(sql, ensured);
  if (!ensured.has(key)) {
    await sql`select events.ensure_monthly_partitions(${entry.table}, ${`${month}-01T00:00:00Z`}::timestamptz, ${`${month}-01T00:00:00Z`}::timestamptz)`;
    ensured.add(key);
  }
  const pseudonyms = await erasedPseudonyms(sql, [entry.actorId, entry.subjectId, ...textValues(entry.data)]);
  const swap = (value: string | null) => (value === null ? null : (pseudonyms.get(value.toLowerCase()) ?? value));
  let data = JSON.stringify(entry.data);
  for (const [original, pseudonym] of pseudonyms) data = data.split(original).join(pseudonym);
  const rows = await sql`
    insert into ${sql(`events.${entry.table}`)} ("time", event_id, kind, actor_id, subject_type, subject_id, data)
    values (${entry.time.toISOString()}::timestamptz, ${eventUuid(entry.eventId)}::uuid, ${entry.kind}, ${swap(entry.actorId)},
            ${entry.subjectType}, ${swap(entry.subjectId)}, ${data}::jsonb)
    on conflict do nothing
    returning 1`;
  return rows.length > 0;
}

const textValues = (data: Record<string, unknown>): string[] => Object.values(data).filter((value): value is string => typeof value === 'string');

/** Of these values, the ids and addresses of erased users, with their pseudonyms (lower-case keys). */
async function erasedPseudonyms(sql: Sql, values: readonly (string | null)[]): Promise<Map<string, string>> {
  const candidates = [...new Set(values.filter((v): v is string => Boolean(v)).map((v) => v.toLowerCase()))];
  if (candidates.length === 0) return new Map();
  const rows = await sql<{ identifier_hash: string; pseudonym: string }[]>`
    select identifier_hash, pseudonym from events.erased_identifiers where identifier_hash = any(${candidates.map(sha256)}::text[])`;
  const byHash = new Map(rows.map((row) => [row.identifier_hash, row.pseudonym]));
  return new Map(candidates.flatMap((value) => (byHash.has(sha256(value)) ? [[value, byHash.get(sha256(value))!] as [string, string]] : [])));
}

/**
 * Pseudonymises an erased user in the whole audit trail (on user.deleted): their id and address
 * become the pseudonym wherever they appear (actor, subject, details), and the pair is
 * remembered as SHA-256 hashes so events that arrive later are pseudonymised on the way in.
 * Idempotent. Returns how many rows changed.
 */
export async function pseudonymizeUser(sql: Sql, user: { userId: string; email: string | null; pseudonym: string }): Promise<number> {
  const identifiers = [user.userId.toLowerCase(), ...(user.email ? [user.email.toLowerCase()] : [])];
  return sql.begin(async (tx) => {
    await tx`
      insert into events.erased_identifiers (identifier_hash, pseudonym)
      select h, ${user.pseudonym} from unnest(${identifiers.map(sha256)}::text[]) as h
      on conflict (identifier_hash) do nothing`;
    let changed = 0;
    for (const table of ['system_events', 'trading_events'] as const) {
      for (const identifier of identifiers) {
        const rows = await tx`
          update ${tx(`events.${table}`)} set
            actor_id = case when lower(actor_id) = ${identifier} then ${user.pseudonym} else actor_id end,
            subject_id = case when lower(subject_id) = ${identifier} then ${user.pseudonym} else subject_id end,
            data = replace(data::text, ${identifier}, ${user.pseudonym})::jsonb
          where lower(actor_id) = ${identifier} or lower(subject_id) = ${identifier} or strpos(lower(data::text), ${identifier}) > 0
          returning 1`;
        changed += rows.length;
      }
    }
    return changed;
  });
}

export interface AuditEventRow {
  time: Date;
  kind: string;
  actorId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
}

export interface AuditEventPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: AuditEventRow }[];
}

// Cursor: base64url of "<time as PostgreSQL text, microseconds kept>|<event id>".
const encodeCursor = (time: string, eventId: string) => Buffer.from(`${time}|${eventId}`).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  const [time, eventId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length === 0 && time && eventId && UUID.test(eventId) && !Number.isNaN(Date.parse(time))) return [time, eventId];
  throw badInput('Cursor is not one this API returned', 'after');
}

/**
 * Both audit tables, newest first, keyset-paginated on (time, event_id); optionally only the
 * entries whose actor or subject is `userId`, and only one kind.
 */
export async function listAuditEvents(
  sql: Sql,
  options: { first: number; after?: string | null; userId?: string | null; kind?: string | null },
): Promise<AuditEventPage> {
  const { first } = options;
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be between 1 and 100', 'first');
  const [afterTime, afterId] = options.after ? decodeCursor(options.after) : [null, null];
  const who = options.userId ? options.userId.toLowerCase() : null;
  const filter = (t: Sql) => t`
    ${who === null ? t`true` : t`(lower(actor_id) = ${who} or lower(subject_id) = ${who})`}
    and ${options.kind ? t`kind = ${options.kind}` : t`true`}
    and ${afterTime === null ? t`true` : t`("time", event_id) < (${afterTime}::timestamptz, ${afterId}::uuid)`}`;
  const rows = await sql<
    {
      time_text: string;
      time_iso: string;
      event_id: string;
      kind: string;
      actor_id: string | null;
      subject_type: string | null;
      subject_id: string | null;
      data: string;
    }[]
  >`
    select "time"::text as time_text, to_char("time" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as time_iso, event_id::text, kind, actor_id, subject_type, subject_id, data::text as data from (
      (select "time", event_id, kind, actor_id, subject_type, subject_id, data from events.system_events
        where ${filter(sql)} order by "time" desc, event_id desc limit ${first + 1})
      union all
      (select "time", event_id, kind, actor_id, subject_type, subject_id, data from events.trading_events
        where ${filter(sql)} order by "time" desc, event_id desc limit ${first + 1})
    ) as entries
    order by "time" desc, event_id desc
    limit ${first + 1}`;
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({
    cursor: encodeCursor(row.time_text, row.event_id),
    node: {
      time: new Date(row.time_iso),
      kind: row.kind,
      actorId: row.actor_id,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      data: JSON.parse(row.data) as Record<string, unknown>,
    },
  }));
  return { pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null }, edges };
}
