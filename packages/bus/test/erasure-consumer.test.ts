import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@nexanest/graphql';
import { dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import { connectRedis, erasedUserOf, eventsStreamKey, type ErasedUser, type Redis, startErasureConsumer, USER_DELETED } from '../src/index.ts';
import { until } from './support.ts';

const namespace = uniqueName('bus_erasure');
const logger = createLogger('bus-erasure-test', 'silent');
let redis: Redis;

const publish = (topic: string, payload: unknown) =>
  redis.xadd(eventsStreamKey(namespace), '*', 'id', randomUUID(), 'topic', topic, 'payload', JSON.stringify(payload), 'occurredAt', new Date().toISOString());

beforeAll(() => {
  redis = connectRedis(testRedisUrl(), 0);
});
afterAll(async () => {
  await dropRedisNamespace(namespace);
  redis.disconnect();
});

describe('erasedUserOf', () => {
  it('reads the id (in lower case) and the email of a user.deleted payload, and nothing from a payload naming nobody', () => {
    const id = randomUUID();
    expect(erasedUserOf({ userId: id.toUpperCase(), email: 'a@example.com' })).toEqual({ userId: id, email: 'a@example.com' });
    expect(erasedUserOf({ userId: id })).toEqual({ userId: id, email: null });
    expect(erasedUserOf({ userId: "1' or '1'='1" })).toBeNull();
    expect(erasedUserOf({ email: 'a@example.com' })).toBeNull();
    expect(erasedUserOf(null)).toBeNull();
  });
});

describe('startErasureConsumer', () => {
  it('erases each deleted user once, ignores other topics and empty payloads, retries a failed erasure, and releases on stop', async () => {
    const erased: ErasedUser[] = [];
    let failures = 1;
    let released = 0;
    const first = randomUUID();
    const second = randomUUID();
    await publish('transaction.recorded', { userId: randomUUID() });
    await publish(USER_DELETED, { userId: first, email: 'first@example.com' });
    await publish(USER_DELETED, { nobody: true });
    await publish(USER_DELETED, { userId: second });
    const consumer = await startErasureConsumer({
      redis: testRedisUrl(),
      namespace,
      group: 'test.erasure',
      logger,
      blockMs: 50,
      claimIdleMs: 200,
      erase: async (user) => {
        if (user.userId === second && failures-- > 0) throw new Error('database unavailable');
        erased.push(user);
      },
      release: async () => {
        released += 1;
      },
    });
    try {
      await until(async () => erased.length === 2);
    } finally {
      await consumer.stop();
    }
    expect(erased).toEqual([
      { userId: first, email: 'first@example.com' },
      { userId: second, email: null },
    ]);
    expect(released).toBe(1);
    expect(await redis.xpending(eventsStreamKey(namespace), 'test.erasure')).toEqual([0, null, null, null]);
  });
});
