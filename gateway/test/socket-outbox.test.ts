import { describe, expect, it } from 'vitest';
import { createSocketOutbox, type OutboxTransport } from '../src/subscriptions/socket-outbox.ts';

/** A socket stand-in whose write buffer the test fills and drains. */
function transport() {
  const written: string[] = [];
  let full = false;
  let drained: (() => void) | null = null;
  const port: OutboxTransport = {
    write: (message) => void written.push(message),
    backedUp: () => full,
    onDrain: (fn) => {
      drained = fn;
    },
  };
  return {
    port,
    written,
    payloads: () => written.map((message) => JSON.parse(message)),
    backUp: () => {
      full = true;
    },
    drain: () => {
      full = false;
      const fn = drained;
      drained = null;
      fn?.();
    },
  };
}

describe('a subscriber outbox', () => {
  it('writes each payload as a graphql-ws next message of its subscription while the socket keeps up', () => {
    const socket = transport();
    const outbox = createSocketOutbox(socket.port, { id: 'sub "1"', limit: 3, onReturn: () => {} });
    outbox.push('{"data":{"n":1}}');
    outbox.push('{"data":{"n":2}}');
    expect(socket.payloads()).toEqual([
      { id: 'sub "1"', type: 'next', payload: { data: { n: 1 } } },
      { id: 'sub "1"', type: 'next', payload: { data: { n: 2 } } },
    ]);
    expect(outbox.dropped).toBe(0);
  });

  it('drops the oldest events once a slow client has `limit` waiting, keeping the newest', () => {
    const socket = transport();
    const outbox = createSocketOutbox(socket.port, { id: '1', limit: 3, onReturn: () => {} });
    socket.backUp();
    for (let i = 1; i <= 10; i++) outbox.push(`{"data":{"n":${i}}}`);
    expect(socket.written).toEqual([]);
    expect(outbox.dropped).toBe(7);
    socket.drain();
    expect(socket.payloads().map((message) => message.payload.data.n)).toEqual([8, 9, 10]);
  });

  it('ends after what is waiting has been written, and tells its owner once', async () => {
    let returned = 0;
    const socket = transport();
    const outbox = createSocketOutbox(socket.port, { id: '1', limit: 5, onReturn: () => returned++ });
    const done = outbox.next();
    socket.backUp();
    outbox.push('{"data":{"last":true}}');
    outbox.end();
    expect(returned).toBe(0);
    socket.drain();
    expect(await done).toEqual({ done: true, value: undefined });
    expect(socket.payloads()).toHaveLength(1);
    await outbox.return();
    expect(returned).toBe(1);
  });

  it('releases graphql-ws and its owner when the client leaves, and writes nothing after', async () => {
    let returned = 0;
    const socket = transport();
    const outbox = createSocketOutbox(socket.port, { id: '1', limit: 5, onReturn: () => returned++ });
    const waiting = outbox.next();
    await outbox.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    outbox.push('{"data":{}}');
    expect(socket.written).toEqual([]);
    expect(await outbox.next()).toEqual({ done: true, value: undefined });
    expect(returned).toBe(1);
  });
});
