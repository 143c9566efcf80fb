import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import { createBus, type Bus } from '../src/index.ts';
import { until } from './support.ts';

const namespace = uniqueName('bus_publish_many');
const buses: Bus[] = [];

afterAll(async () => {
  for (const bus of buses) await bus.close();
  await dropRedisNamespace(namespace);
});

/** Subscribes to `channels`, then lets the subscription reach Redis before anything is published. */
async function listen(bus: Bus, channels: string[]): Promise<string[]> {
  const received: string[] = [];
  for (const channel of channels) bus.subscribe(channel, (message) => received.push(`${channel} ${message}`));
  await new Promise((resolve) => setTimeout(resolve, 150));
  return received;
}

const batch = Array.from({ length: 500 }, (_, i) => ({ channel: `prices:S${i % 3}`, message: `m${i}` }));
const expected = batch.map(({ channel, message }) => `${channel} ${message}`);

describe('publishMany', () => {
  it('delivers every message of a batch over Redis, in the order given, on each channel', async () => {
    const bus = createBus({ redisUrl: testRedisUrl(), namespace });
    buses.push(bus);
    const received = await listen(bus, ['prices:S0', 'prices:S1', 'prices:S2']);
    expect(await bus.publishMany(batch)).toEqual([]);
    await until(async () => received.length === batch.length);
    expect(received).toEqual(expected);
  });

  it('does the same on the in-process bus, and reports a listener that throws instead of rejecting', async () => {
    const bus = createBus({ redisUrl: null, namespace });
    buses.push(bus);
    const received = await listen(bus, ['prices:S0', 'prices:S1', 'prices:S2']);
    expect(await bus.publishMany(batch)).toEqual([]);
    expect(received).toEqual(expected);
    bus.subscribe('prices:BAD', () => {
      throw new Error('listener failed');
    });
    const errors = await bus.publishMany([{ channel: 'prices:BAD', message: 'x' }]);
    expect(errors).toHaveLength(1);
  });
});
