import type { Logger } from '@nexanest/graphql';
import { createPeriodicTask } from '../periodic-task.ts';
import type { Redis } from '../redis.ts';
import { xinfoGroups } from '../stream-groups.ts';

export interface StreamTrimmerOptions {
  /** A client on the stream's database. */
  redis: Redis;
  /** The streams to trim, e.g. the events stream and its dead-letter stream, each with its retention. */
  streams: readonly { key: string; retentionMs: number }[];
  /** How often to trim. */
  intervalMs: number;
  logger: Logger;
  /** The clock (tests); default Date.now. */
  now?: () => number;
}

export interface StreamTrimmer {
  /** Trims every stream once; returns how many entries it removed from each, by key. */
  trimOnce(): Promise<Map<string, number>>;
  start(): void;
  stop(): Promise<void>;
}

/** A stream entry id `<ms>-<seq>` as a pair of integers. */
type EntryId = readonly [ms: bigint, seq: bigint];

const parseId = (id: string): EntryId => {
  const [ms, seq] = id.split('-');
  return [BigInt(ms ?? '0'), BigInt(seq ?? '0')];
};
const formatId = ([ms, seq]: EntryId) => `${ms}-${seq}`;
const before = (a: EntryId, b: EntryId) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * The oldest entry a consumer group has not acknowledged yet: its smallest pending id, or, with
 * nothing pending, the entry after the last one it was delivered (everything up to that is acked).
 */
async function oldestUnacked(redis: Redis, stream: string, group: Map<string, unknown>): Promise<EntryId> {
  if (Number(group.get('pending') ?? 0) > 0) {
    const [, smallest] = (await redis.xpending(stream, String(group.get('name')))) as [number, string | null, string | null, unknown];
    if (smallest) return parseId(smallest);
  }
  const [ms, seq] = parseId(String(group.get('last-delivered-id') ?? '0-0'));
  return [ms, seq + 1n];
}

/**
 * The id below which `stream` may be trimmed now: never past the oldest entry some consumer group
 * has not acknowledged, and never past `now - retentionMs`. A stream without groups (the
 * dead-letter stream) is trimmed by age alone.
 */
export async function trimFloor(redis: Redis, stream: string, retentionMs: number, now: number): Promise<string> {
  let floor: EntryId = [BigInt(Math.max(0, now - retentionMs)), 0n];
  for (const group of await xinfoGroups(redis, stream)) {
    const unacked = await oldestUnacked(redis, stream, group);
    if (before(unacked, floor)) floor = unacked;
  }
  return formatId(floor);
}

/**
 * Trims streams with XTRIM MINID (exact), so entries leave Redis once every consumer group has
 * acknowledged them and they are older than the retention; entries that name an erased user
 * with them. Several instances may run it: each trims only below what every group has
 * acknowledged, and groups only move forward. A group created later starts from what remains.
 */
export function createStreamTrimmer(options: StreamTrimmerOptions): StreamTrimmer {
  const { redis, logger } = options;
  const now = options.now ?? Date.now;

  async function trimOnce(): Promise<Map<string, number>> {
    const removed = new Map<string, number>();
    for (const { key, retentionMs } of options.streams) {
      const floor = await trimFloor(redis, key, retentionMs, now());
      const count = Number(await redis.xtrim(key, 'MINID', floor));
      removed.set(key, count);
      if (count > 0) logger.info({ stream: key, removed: count, minId: floor }, 'stream trimmed');
    }
    return removed;
  }

  const task = createPeriodicTask({ run: trimOnce, intervalMs: options.intervalMs, logger, failureMessage: 'stream trim failed; will retry' });
  return { trimOnce, start: task.start, stop: task.stop };
}
