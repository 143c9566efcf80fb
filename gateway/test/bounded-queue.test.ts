import { describe, expect, it } from 'vitest';
import { createBoundedQueue } from '../src/subscriptions/bounded-queue.ts';

describe('a subscriber queue', () => {
  it('hands events over in order to a reader that keeps up', async () => {
    const queue = createBoundedQueue<number>(3, () => {});
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await first).toEqual({ done: false, value: 1 });
    expect(await queue.next()).toEqual({ done: false, value: 2 });
    expect(queue.dropped).toBe(0);
  });

  it('drops the oldest events once a slow reader has `limit` waiting, keeping the newest', async () => {
    const queue = createBoundedQueue<number>(3, () => {});
    for (let i = 1; i <= 10; i++) queue.push(i);
    expect(queue.dropped).toBe(7);
    const read = [await queue.next(), await queue.next(), await queue.next()].map((result) => result.value);
    expect(read).toEqual([8, 9, 10]);
  });

  it('ends after what is queued has been read, and tells its owner once', async () => {
    let returned = 0;
    const queue = createBoundedQueue<string>(5, () => returned++);
    queue.push('last');
    queue.end();
    expect(await queue.next()).toEqual({ done: false, value: 'last' });
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    await queue.return?.();
    expect(returned).toBe(1);
  });

  it('releases a waiting reader and its owner when the client leaves', async () => {
    let returned = 0;
    const queue = createBoundedQueue<string>(5, () => returned++);
    const waiting = queue.next();
    await queue.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    queue.push('too late');
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    expect(returned).toBe(1);
  });
});
