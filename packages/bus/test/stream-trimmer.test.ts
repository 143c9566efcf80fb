import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@nexanest/graphql';
import { dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import { connectRedis, createStreamTrimmer, deadLetterKey, eventsStreamKey, type Redis } from '../src/index.ts';
import { until } from './support.ts';

const namespace = uniqueName('bus_trim');
const logger = createLogger('bus-trim-test', 'silent');
let redis: Redis;
let stream: string;
let testNumber = 0;

/** Entries with ids of our choosing: `<ms>-0`, so their age against the test's clock is known. */
const add = (key: string, ms: number) => redis.xadd(key, `${ms}-0`, 'id', `e${ms}`, 'topic', 'test.trim', 'payload', '{}');
const ids = async (key: string) => (await redis.xrange(key, '-', '+')).map(([id]) => id);
/** Delivers up to `count` new entries to `group` and returns their ids (not acked). */
const read = async (group: string, count: number): Promise<string[]> => {
  const result = (await redis.xreadgroup('GROUP', group, 'c1', 'COUNT', count, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
  return (result?.[0]?.[1] ?? []).map(([id]) => id);
};

beforeAll(() => {
  redis = connectRedis(testRedisUrl(), 0);
});
beforeEach(() => {
  testNumber += 1;
  stream = eventsStreamKey(`${namespace}:t${testNumber}`);
});
afterAll(async () => {
  await dropRedisNamespace(namespace);
  redis?.disconnect();
});

describe('createStreamTrimmer', () => {
  it('removes entries every group acknowledged once older than the retention, and keeps pending and unread ones', async () => {
    for (const ms of [1000, 2000, 3000, 4000, 5000, 6000]) await add(stream, ms);
    await redis.xgroup('CREATE', stream, 'a', '0');
    await redis.xgroup('CREATE', stream, 'b', '0');
    await redis.xack(stream, 'a', ...(await read('a', 10)));
    const delivered = await read('b', 4); // b: 1000..4000 delivered, 5000 and 6000 unread
    await redis.xack(stream, 'b', ...delivered.slice(0, 2)); // 3000 and 4000 stay pending
    let clock = 10_000;
    const trimmer = createStreamTrimmer({ redis, streams: [{ key: stream, retentionMs: 5000 }], intervalMs: 60_000, logger, now: () => clock });

    // Old enough: up to 5000; acknowledged by both groups: below 3000 (b's oldest pending).
    expect((await trimmer.trimOnce()).get(stream)).toBe(2);
    expect(await ids(stream)).toEqual(['3000-0', '4000-0', '5000-0', '6000-0']);

    // b acks its pending entries but has not read 5000 yet: trimmed below 5000, not beyond.
    await redis.xack(stream, 'b', ...delivered.slice(2));
    expect((await trimmer.trimOnce()).get(stream)).toBe(2);
    expect(await ids(stream)).toEqual(['5000-0', '6000-0']);

    // Both acknowledged by everyone, but 5000 and 6000 are within the retention (cut-off 5000).
    await redis.xack(stream, 'b', ...(await read('b', 10)));
    expect((await trimmer.trimOnce()).get(stream)).toBe(0);
    expect(await ids(stream)).toEqual(['5000-0', '6000-0']);

    // Time passes: nothing is kept back any more. The groups stay and read what comes next.
    clock = 20_000;
    expect((await trimmer.trimOnce()).get(stream)).toBe(2);
    expect(await redis.xlen(stream)).toBe(0);
    await add(stream, 7000);
    expect(await read('a', 10)).toEqual(['7000-0']);
  });

  it('keeps everything a group has not read, however old', async () => {
    for (const ms of [1000, 2000, 3000]) await add(stream, ms);
    await redis.xgroup('CREATE', stream, 'late', '0');
    const trimmer = createStreamTrimmer({ redis, streams: [{ key: stream, retentionMs: 1 }], intervalMs: 60_000, logger });
    expect((await trimmer.trimOnce()).get(stream)).toBe(0);
    expect(await redis.xlen(stream)).toBe(3);
  });

  it('trims a stream without groups (dead letters) by age alone, and a missing stream is no error', async () => {
    const dead = deadLetterKey(stream);
    for (const ms of [1000, 9000]) await add(dead, ms);
    const missing = `${stream}:missing`;
    const trimmer = createStreamTrimmer({
      redis,
      streams: [
        { key: dead, retentionMs: 5000 },
        { key: missing, retentionMs: 5000 },
      ],
      intervalMs: 60_000,
      logger,
      now: () => 10_000,
    });
    const removed = await trimmer.trimOnce();
    expect(removed.get(dead)).toBe(1);
    expect(removed.get(missing)).toBe(0);
    expect(await ids(dead)).toEqual(['9000-0']);
    expect(await redis.exists(missing)).toBe(0);
  });

  it('trims on its interval once started, and two trimmers side by side trim no further than one', async () => {
    for (const ms of [1000, 2000, 3000]) await add(stream, ms);
    await redis.xgroup('CREATE', stream, 'a', '0');
    const delivered = await read('a', 10);
    await redis.xack(stream, 'a', delivered[0]!); // 2000 and 3000 pending
    const options = { redis, streams: [{ key: stream, retentionMs: 0 }], intervalMs: 20, logger };
    const trimmers = [createStreamTrimmer(options), createStreamTrimmer(options)];
    for (const trimmer of trimmers) trimmer.start();
    try {
      await until(async () => (await redis.xlen(stream)) === 2);
      await new Promise((resolve) => setTimeout(resolve, 100)); // several more rounds of both
      expect(await ids(stream)).toEqual(['2000-0', '3000-0']);
    } finally {
      for (const trimmer of trimmers) await trimmer.stop();
    }
  });
});
