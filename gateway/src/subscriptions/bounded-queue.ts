/**
 * One subscriber's outbox: an async iterator fed by `push`. When the subscriber reads slower
 * than events arrive (its socket is backed up), the OLDEST undelivered events are dropped once
 * `limit` are waiting, so a slow client costs bounded memory and never holds anyone else up.
 * Live prices make the newest event the one worth keeping; notifications stay listable through
 * the Notifications query.
 */
export interface BoundedQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  /** Ends the iterator after what is queued has been read. */
  end(): void;
  /** Events dropped so far because the subscriber was too slow. */
  readonly dropped: number;
}

export function createBoundedQueue<T>(limit: number, onReturn: () => void): BoundedQueue<T> {
  const items: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let ended = false;
  let returned = false;
  let dropped = 0;
  const DONE: IteratorResult<T> = { done: true, value: undefined };

  const finish = () => {
    if (returned) return;
    returned = true;
    items.length = 0;
    waiting?.(DONE);
    waiting = null;
    onReturn();
  };

  return {
    get dropped() {
      return dropped;
    },
    push(value) {
      if (ended || returned) return;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ done: false, value });
        return;
      }
      items.push(value);
      if (items.length > limit) {
        items.shift();
        dropped++;
      }
    },
    end() {
      ended = true;
      if (waiting && items.length === 0) {
        waiting(DONE);
        waiting = null;
        finish();
      }
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (returned) return Promise.resolve(DONE);
      const value = items.shift();
      if (value !== undefined) return Promise.resolve({ done: false, value });
      if (ended) {
        finish();
        return Promise.resolve(DONE);
      }
      return new Promise<IteratorResult<T>>((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      finish();
      return Promise.resolve(DONE);
    },
  };
}
