import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@nexanest/graphql';
import { dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import {
  connectRedis,
  createStreamConsumer,
  deadLetterKey,
  eventsStreamKey,
  fieldMap,
  type Redis,
  type StreamConsumer,
  type StreamEvent,
} from '../src/index.ts';
import { createEffectsDb, type EffectsDb, until } from './support.ts';

const namespace = uniqueName('bus_consumer');
let stream: string;
let testNumber = 0;
const logger = createLogger('bus-consumer-test', 'silent');
let redis: Redis;
let db: EffectsDb;
const running: StreamConsumer[] = [];

/** What an outbox relay writes: id, topic, payload (JSON) and occurredAt. */
const publish = (topic: string, payload: unknown = {}, id: string = randomUUID()) =>
  redis.xadd(stream, '*', 'id', id, 'topic', topic, 'payload', JSON.stringify(payload), 'occurredAt', new Date().toISOString()).then(() => id);

function consumer(
  group: string,
  name: string,
  handle: (event: StreamEvent) => Promise<void>,
  extra: { maxAttempts?: number; claimIdleMs?: number; concurrency?: number } = {},
) {
  const created = createStreamConsumer({ redis, stream, group, consumer: name, handle, logger, blockMs: 50, claimIdleMs: 200, ...extra });
  running.push(created);
  return created;
}
const pending = async (group: string) => ((await redis.xpending(stream, group)) as [number, ...unknown[]])[0];

beforeAll(async () => {
  redis = connectRedis(testRedisUrl(), 0);
  db = await createEffectsDb('bus_consumer');
});
beforeEach(() => {
  // A stream per test: a group created on a shared stream would also receive the other tests' events.
  testNumber += 1;
  stream = eventsStreamKey(`${namespace}:t${testNumber}`);
});
afterEach(async () => {
  for (const started of running.splice(0)) await started.stop();
});
afterAll(async () => {
  await dropRedisNamespace(namespace);
  redis?.disconnect();
  await db?.close();
});

describe('createStreamConsumer', () => {
  it('processes every event exactly once in effect across a stop and restart, with redeliveries', async () => {
    const before = await db.effects();
    const first = consumer('restart', 'restart-1', async (event) => void (await db.apply(event)));
    await first.start();
    const early = await publish('test.restart');
    await until(async () => (await db.effects()) === before + 1);
    await first.stop();

    // Stopped: these wait in the stream. Five are published twice, as a relay that crashed
    // after XADD and before marking its rows published would do.
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) ids.push(await publish('test.restart', { i }));
    for (const id of ids.slice(0, 5)) await publish('test.restart', {}, id);
    expect(await db.effects()).toBe(before + 1);

    const second = consumer('restart', 'restart-1', async (event) => void (await db.apply(event)));
    await second.start();
    await until(async () => (await db.effects()) === before + 41 && (await pending('restart')) === 0);
    expect(await db.distinctEffects()).toBe(before + 41);
    const rows = await db.pool.sql`select count(*)::int as n from effects where event_id = any(${[early, ...ids]})`;
    expect(rows[0]!.n).toBe(41);
    expect(await redis.xlen(deadLetterKey(stream))).toBe(0);
  });

  it('claims an entry a stalled consumer never acked, after claimIdleMs, and its effect stays single', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const delivered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    // A consumer that gets the event and stops mid-handle, as a crashed process would: delivered, never acked.
    const crashed = consumer('reclaim', 'crashed', async (event) => {
      entered();
      await stalled;
      await db.apply(event);
    });
    await crashed.start();
    const id = await publish('test.reclaim');
    await delivered;

    const seen: number[] = [];
    const survivor = consumer('reclaim', 'survivor', async (event) => {
      seen.push(event.deliveryCount);
      await db.apply(event);
    });
    await survivor.start();
    const applied = async () => (await db.pool.sql`select count(*)::int as n from effects where event_id = ${id}`)[0]!.n as number;
    try {
      await until(async () => (await applied()) === 1 && (await pending('reclaim')) === 0);
      expect(seen).toEqual([2]);
    } finally {
      // The stalled one finishes late: processOnce makes its effect a no-op.
      release();
      await crashed.stop();
    }
    expect(await applied()).toBe(1);
  });

  it('dead-letters an event whose handler fails maxAttempts times, with the reason, and keeps going', async () => {
    const attempts: number[] = [];
    const poisoned = consumer(
      'dead',
      'dead-1',
      async (event) => {
        if (event.topic === 'test.poison') {
          attempts.push(event.deliveryCount);
          throw new Error('cannot handle this one');
        }
        await db.apply(event);
      },
      { maxAttempts: 3, claimIdleMs: 50 },
    );
    await poisoned.start();
    const poison = await publish('test.poison', { n: 1 });
    const good = await publish('test.good');
    const dead = deadLetterKey(stream);
    await until(async () => (await redis.xlen(dead)) === 1 && (await pending('dead')) === 0);
    expect(attempts).toEqual([1, 2, 3]);
    const deadEntries = await redis.xrange(dead, '-', '+');
    expect(deadEntries).toHaveLength(1);
    const entry = fieldMap(deadEntries[0]![1]);
    expect(entry.get('id')).toBe(poison);
    expect(entry.get('topic')).toBe('test.poison');
    expect(JSON.parse(entry.get('payload')!)).toEqual({ n: 1 });
    expect(entry.get('error')).toBe('cannot handle this one');
    expect(entry.get('attempts')).toBe('3');
    expect(entry.get('group')).toBe('dead');
    await until(async () => (await db.pool.sql`select 1 from effects where event_id = ${good}`).length === 1);
  });

  it('handles a read with several workers when asked, each event once, and acks them all', async () => {
    const before = await db.effects();
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push(await publish('test.concurrent', { i }));
    const parallel = consumer('concurrent', 'concurrent-1', async (event) => void (await db.apply(event)), { concurrency: 4 });
    await parallel.start();
    await until(async () => (await db.effects()) === before + 30 && (await pending('concurrent')) === 0);
    expect(await db.distinctEffects()).toBe(before + 30);
  });

  it('dead-letters a malformed entry at once and acks it', async () => {
    const handled: string[] = [];
    const strict = consumer('malformed', 'malformed-1', async (event) => void handled.push(event.id));
    await strict.start();
    await redis.xadd(stream, '*', 'topic', 'test.malformed', 'payload', '{not json', 'id', 'bad-json');
    const good = await publish('test.good');
    await until(async () => (await pending('malformed')) === 0 && handled.includes(good));
    const dead = (await redis.xrange(deadLetterKey(stream), '-', '+')).map(([, fields]) => fieldMap(fields));
    expect(dead.map((fields) => [fields.get('id'), fields.get('error'), fields.get('attempts')])).toEqual([
      ['bad-json', 'malformed entry: payload is not JSON', '1'],
    ]);
    expect(handled).toEqual([good]);
  });
});
