import { createPool } from '@nexanest/db';
import { Redis } from 'ioredis';

/** Where an erased user's id or address was still found. */
export interface Finding {
  where: string;
  column: string;
  value: string;
}

/** Column types that can hold an id or an address: text, uuid, JSON and arrays of them. */
const SCANNED_TYPES = new Set(['text', 'character varying', 'character', 'uuid', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED']);

/**
 * Scans every base table of every schema (system schemas aside) of one database, every column
 * whose type can hold a string, for any of `needles` (case-insensitive, as text, so JSON and
 * arrays are searched inside). Returns each hit with a snippet of the value.
 */
export async function scanDatabase(url: string, needles: readonly string[]): Promise<Finding[]> {
  const pool = createPool<Record<string, never>>({ url, max: 1, applicationName: 'erasure-scan' });
  try {
    const columns = await pool.sql<{ table_schema: string; table_name: string; column_name: string; data_type: string }[]>`
      select c.table_schema, c.table_name, c.column_name, c.data_type
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where t.table_type = 'BASE TABLE'
        and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.table_schema not like 'pg_toast%'
        and c.table_schema not like '_timescaledb%'
        and c.table_schema <> 'timescaledb_information'
      order by c.table_schema, c.table_name, c.ordinal_position`;
    const findings: Finding[] = [];
    const patterns = needles.map((needle) => `%${needle.toLowerCase()}%`);
    const tables = new Map<string, string[]>();
    for (const column of columns.filter((c) => SCANNED_TYPES.has(c.data_type))) {
      const table = `${column.table_schema}.${column.table_name}`;
      tables.set(table, [...(tables.get(table) ?? []), column.column_name]);
    }
    // One pass per table: any scanned column matching any needle.
    for (const [table, names] of tables) {
      const matches = names.map((name) => pool.sql`lower(${pool.sql(name)}::text) like any(${patterns}::text[])`);
      const condition = matches.reduce((all, match) => pool.sql`${all} or ${match}`);
      const rows = await pool.sql<{ value: string }[]>`
        select left(row_to_json(t)::text, 300) as value from ${pool.sql(table)} t where ${condition} limit 5`;
      for (const row of rows) findings.push({ where: table, column: names.join(','), value: row.value });
    }
    return findings;
  } finally {
    await pool.close();
  }
}

/** How many tables and columns one database has to scan (to show the scan is not empty). */
export async function countScannedColumns(url: string): Promise<{ tables: number; columns: number }> {
  const pool = createPool<Record<string, never>>({ url, max: 1, applicationName: 'erasure-scan' });
  try {
    const [row] = await pool.sql<{ tables: number; columns: number }[]>`
      select count(distinct (c.table_schema, c.table_name))::int as tables, count(*)::int as columns
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.table_schema not like 'pg_toast%' and c.table_schema not like '_timescaledb%'
        and c.data_type = any(${[...SCANNED_TYPES]}::text[])`;
    return row ?? { tables: 0, columns: 0 };
  } finally {
    await pool.close();
  }
}

/**
 * Scans the namespace's Redis keys in the given databases: key names, and the values of strings,
 * hashes, sets, lists and sorted sets, for any of `needles`. Streams are listed in `skipKeys`
 * by the caller when they are transport with their own retention (the events stream).
 */
export async function scanRedis(
  url: string,
  namespace: string,
  dbs: readonly number[],
  needles: readonly string[],
  skipKeys: readonly string[] = [],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const lowered = needles.map((needle) => needle.toLowerCase());
  const hit = (text: string) => lowered.some((needle) => text.toLowerCase().includes(needle));
  for (const db of dbs) {
    const redis = new Redis(url, { db });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          if (skipKeys.includes(key)) continue;
          if (hit(key)) findings.push({ where: `redis db ${db}`, column: 'key', value: key });
          const type = await redis.type(key);
          const values =
            type === 'string'
              ? [(await redis.get(key)) ?? '']
              : type === 'hash'
                ? Object.entries(await redis.hgetall(key)).flat()
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'list'
                    ? await redis.lrange(key, 0, -1)
                    : type === 'zset'
                      ? await redis.zrange(key, 0, -1)
                      : type === 'stream'
                        ? (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields)
                        : [];
          for (const value of values) if (hit(value)) findings.push({ where: `redis db ${db}`, column: key, value: value.slice(0, 200) });
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
  return findings;
}

/**
 * True once every consumer group of the stream has read every entry and acknowledged it: all
 * that was published (user.deleted included) has been handled by every service.
 */
export async function streamDrained(url: string, stream: string): Promise<boolean> {
  const redis = new Redis(url, { db: 0 });
  try {
    const [last] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
    const groups = (await redis.xinfo('GROUPS', stream)) as (string | number)[][];
    return groups.every((fields) => {
      const info = new Map<string, string | number>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]!);
      return Number(info.get('pending')) === 0 && (!last || info.get('last-delivered-id') === last[0]);
    });
  } finally {
    redis.disconnect();
  }
}
