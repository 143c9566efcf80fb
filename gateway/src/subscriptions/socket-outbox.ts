import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Where an outbox writes: one client's WebSocket. */
export interface OutboxTransport {
  /** Hands one text message to the socket (ignored once the socket is closing). */
  write(message: string): void;
  /** True while the socket's write buffer is over its high-water mark: the client is not keeping up. */
  backedUp(): boolean;
  /** Calls `fn` once, when the write buffer has drained. */
  onDrain(fn: () => void): void;
}

/**
 * One subscriber's outbox. The hub pushes each event's payload as JSON, serialised once for all
 * the subscribers that share it; the outbox wraps it in this subscription's `next` message and
 * writes it straight to the socket while the socket keeps up. When the socket's write buffer is
 * over its high-water mark (a slow client), events wait here, and once `limit` are waiting the
 * OLDEST are dropped: a slow client costs bounded memory and holds nobody else up.
 *
 * For graphql-ws the outbox is the subscription's async iterator: it yields nothing (events do not
 * go through graphql-ws) and finishes when the stream ends and everything waiting is written, so
 * graphql-ws then sends `complete`; `return()` (client completes or disconnects) leaves at once.
 */
export interface SocketOutbox extends AsyncIterableIterator<never> {
  push(payloadJson: string): void;
  /** Ends the subscription after what is waiting has been written. */
  end(): void;
  /** Events dropped so far because the subscriber was too slow. */
  readonly dropped: number;
  /** The client completed or disconnected: leave at once. */
  return(): Promise<IteratorResult<never>>;
}

export function createSocketOutbox(transport: OutboxTransport, options: { id: string; limit: number; onReturn: () => void }): SocketOutbox {
  const prefix = `{"id":${JSON.stringify(options.id)},"type":"next","payload":`;
  const waiting: string[] = [];
  let ended = false;
  let returned = false;
  let draining = false;
  let dropped = 0;
  let resolveDone: ((result: IteratorResult<never>) => void) | null = null;
  const DONE: IteratorResult<never> = { done: true, value: undefined };

  const finish = () => {
    if (returned) return;
    returned = true;
    waiting.length = 0;
    resolveDone?.(DONE);
    resolveDone = null;
    options.onReturn();
  };

  const flush = () => {
    while (waiting.length > 0 && !transport.backedUp()) transport.write(`${prefix}${waiting.shift()}}`);
    if (waiting.length > 0) {
      if (!draining) {
        draining = true;
        transport.onDrain(() => {
          draining = false;
          if (!returned) flush();
        });
      }
    } else if (ended) {
      finish();
    }
  };

  return {
    get dropped() {
      return dropped;
    },
    push(payloadJson) {
      if (ended || returned) return;
      if (waiting.length === 0 && !transport.backedUp()) {
        transport.write(`${prefix}${payloadJson}}`);
        return;
      }
      waiting.push(payloadJson);
      if (waiting.length > options.limit) {
        waiting.shift();
        dropped++;
      }
      flush();
    },
    end() {
      if (ended) return;
      ended = true;
      if (waiting.length === 0) finish();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (returned) return Promise.resolve(DONE);
      return new Promise<IteratorResult<never>>((resolve) => {
        resolveDone = resolve;
      });
    },
    return() {
      finish();
      return Promise.resolve(DONE);
    },
  };
}

const corked = new Set<Socket>();
let uncorkScheduled = false;
const uncorkAll = () => {
  uncorkScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
};

/**
 * The transport of a ws socket. Writes are corked until the end of the event-loop turn, so the
 * several events a client gets from one burst of ticks leave in one system call, not one each.
 */
export function webSocketTransport(socket: WebSocket, raw: Socket): OutboxTransport {
  return {
    write(message) {
      if (socket.readyState !== socket.OPEN) return;
      if (!corked.has(raw)) {
        raw.cork();
        corked.add(raw);
        if (!uncorkScheduled) {
          uncorkScheduled = true;
          setImmediate(uncorkAll);
        }
      }
      socket.send(message);
    },
    backedUp: () => raw.writableNeedDrain,
    onDrain: (fn) => void raw.once('drain', fn),
  };
}
