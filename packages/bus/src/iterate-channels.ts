import type { Bus } from './bus.ts';

/** Events kept for a slow consumer before the oldest are dropped (prices go stale; notifications stay listable). */
const MAX_BUFFERED = 1000;

/**
 * An async iterator over messages on several bus channels. Listening starts at once; returning
 * from the iterator (the client unsubscribed or disconnected) leaves every channel.
 */
export function iterateChannels<T>(bus: Bus, channels: readonly string[], toEvent: (message: string) => T | null): AsyncIterableIterator<T> {
  const buffered: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let done = false;

  const push = (message: string) => {
    const event = toEvent(message);
    if (event === null || done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: event, done: false });
      return;
    }
    buffered.push(event);
    if (buffered.length > MAX_BUFFERED) buffered.shift();
  };
  const unsubscribes = channels.map((channel) => bus.subscribe(channel, push));

  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      buffered.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = null;
    }
    return { value: undefined, done: true };
  };

  return {
    next() {
      if (done) return Promise.resolve({ value: undefined, done: true });
      const event = buffered.shift();
      if (event !== undefined) return Promise.resolve({ value: event, done: false });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
