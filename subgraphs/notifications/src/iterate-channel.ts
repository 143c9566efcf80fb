import type { Bus } from '@nexanest/bus';

/** Events kept for a slow consumer before the oldest are dropped. */
const MAX_BUFFERED = 500;

/**
 * An async iterator over one bus channel. Listening starts at once; `return` (the client
 * unsubscribed or disconnected) leaves the channel, also while a `next` is waiting.
 */
export function iterateChannel<T>(bus: Bus, channel: string, toEvent: (message: string) => T | null): AsyncIterableIterator<T> {
  const buffered: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let done = false;
  const unsubscribe = bus.subscribe(channel, (message) => {
    const event = done ? null : toEvent(message);
    if (event === null) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: event, done: false });
    } else if (buffered.push(event) > MAX_BUFFERED) buffered.shift();
  });
  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      unsubscribe();
      buffered.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = null;
    }
    return { value: undefined, done: true };
  };
  return {
    next() {
      if (done) return Promise.resolve({ value: undefined, done: true });
      if (buffered.length > 0) return Promise.resolve({ value: buffered.shift() as T, done: false });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: finish,
    async throw(error: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
