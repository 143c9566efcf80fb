import type { StreamGroupInfo } from '@nexanest/graphql';
import type { Redis } from './redis.ts';

/** XINFO GROUPS of one stream, each group as a field map; empty when the stream does not exist yet. */
export async function xinfoGroups(redis: Redis, stream: string): Promise<Map<string, unknown>[]> {
  let groups: unknown[];
  try {
    groups = (await redis.xinfo('GROUPS', stream)) as unknown[];
  } catch (error) {
    if (String((error as Error).message).includes('no such key')) return [];
    throw error;
  }
  // RESP2 answers each group as a flat [field, value, ...] list.
  return groups.map((entry) => {
    const fields = new Map<string, unknown>();
    const list = entry as unknown[];
    for (let i = 0; i + 1 < list.length; i += 2) fields.set(String(list[i]), list[i + 1]);
    return fields;
  });
}

/** The consumer groups of `streams` (XINFO GROUPS); a stream that does not exist yet has none. */
export async function readStreamGroups(redis: Redis, streams: readonly string[]): Promise<StreamGroupInfo[]> {
  const all: StreamGroupInfo[] = [];
  for (const stream of streams) {
    for (const fields of await xinfoGroups(redis, stream)) {
      const lag = fields.get('lag');
      all.push({
        stream,
        group: String(fields.get('name')),
        consumers: Number(fields.get('consumers') ?? 0),
        pending: Number(fields.get('pending') ?? 0),
        lag: lag === null || lag === undefined ? null : Number(lag),
      });
    }
  }
  return all;
}
