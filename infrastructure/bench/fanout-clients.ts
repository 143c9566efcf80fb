// Child process of bench/fanout.ts: opens its share of the WebSocket clients, spread over the
// gateways, so neither the gateways nor the load generator share an event loop with them.
// Two latencies per message, each in a histogram of whole milliseconds sent on request (IPC):
// from the ingest call (the tick's `time`) and from the Redis publish (this process listens on the
// price channels too, and notes when each tick arrives; same machine, same clock).
import { Redis } from 'ioredis';
import WebSocket from 'ws';

interface Setup {
  gatewayUrls: string[];
  /** Global index of this process's first client, and how many it opens. */
  first: number;
  clients: number;
  query: string;
  symbolSets: string[][];
  redisUrl: string;
  channels: string[];
}

const { gatewayUrls, first, clients, query, symbolSets, redisUrl, channels } = JSON.parse(process.env.FANOUT_SETUP ?? '{}') as Setup;
const MAX_MS = 60_000;
let histogram = new Uint32Array(MAX_MS + 1);
let fromPublish = new Uint32Array(MAX_MS + 1);
let received = 0;
let unmatched = 0;
// symbol|time -> when the tick was published on Redis.
const published = new Map<string, number>();
const keyOf = (text: string) => {
  const symbol = text.indexOf('"symbol":"');
  const time = text.indexOf('"time":"');
  return symbol < 0 || time < 0 ? null : `${text.slice(symbol + 10, text.indexOf('"', symbol + 10))}|${text.slice(time + 8, time + 32)}`;
};
const redis = new Redis(redisUrl);
redis.on('message', (_channel: string, message: string) => {
  const key = keyOf(message);
  if (key) published.set(key, Date.now());
});
const listening = redis.subscribe(...channels);
setInterval(() => {
  // Keys are kept a minute: every client has long received its tick by then.
  const horizon = Date.now() - 60_000;
  for (const [key, at] of published) if (at < horizon) published.delete(key);
}, 10_000).unref();
const bucket = (ms: number) => Math.min(MAX_MS, Math.max(0, ms));
let errors = 0;
let subscribed = 0;
const sockets: WebSocket[] = [];
const send = (message: unknown) => process.send?.(message);

let retries = 0;
let pending = 0;
const HANDSHAKES_AT_ONCE = 100;
const queue: number[] = Array.from({ length: clients }, (_, n) => first + n);

/** Opens client i; a socket closed before its subscription was sent (an overloaded gateway's
 * connection_init timeout, say) is opened again. At most HANDSHAKES_AT_ONCE are in progress. */
function open(i: number): void {
  pending++;
  let acked = false;
  const set = i % symbolSets.length;
  // Consecutive runs of one client per set go to the same gateway, so every gateway serves every set.
  const url = gatewayUrls[Math.floor(i / symbolSets.length) % gatewayUrls.length]!.replace(/^http/, 'ws');
  const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  socket.on('message', (raw) => {
    const text = String(raw);
    // Ticks are counted without a full parse, so the clients stay cheap next to the gateway.
    if (text.includes('"type":"next"')) {
      received++;
      if (text.includes('"errors"')) errors++;
      const now = Date.now();
      const at = text.indexOf('"time":"');
      if (at >= 0) histogram[bucket(now - Date.parse(text.slice(at + 8, at + 32)))]!++;
      const publishedAt = published.get(keyOf(text) ?? '');
      if (publishedAt === undefined) unmatched++;
      else fromPublish[bucket(now - publishedAt)]!++;
      return;
    }
    const message = JSON.parse(text) as { type: string };
    if (message.type === 'connection_ack') {
      acked = true;
      sockets.push(socket);
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { symbols: symbolSets[set] } } }));
      subscribed++;
      pending--;
      openNext();
      if (subscribed === clients) void listening.then(() => send({ type: 'ready', retries }));
    } else if (message.type === 'error') {
      errors++;
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (acked) return;
    retries++;
    pending--;
    setTimeout(() => open(i), 200);
  });
}

function openNext(): void {
  while (pending < HANDSHAKES_AT_ONCE && queue.length > 0) open(queue.shift()!);
}
openNext();

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    // Sparse: [ms, count] pairs.
    const sparse = (counts: Uint32Array) => [...counts.entries()].filter(([, count]) => count > 0);
    send({ type: 'report', received, errors, unmatched, histogram: sparse(histogram), fromPublish: sparse(fromPublish) });
    histogram = new Uint32Array(MAX_MS + 1);
    fromPublish = new Uint32Array(MAX_MS + 1);
    received = 0;
    errors = 0;
    unmatched = 0;
  } else if (message.type === 'close') {
    for (const socket of sockets) socket.terminate();
    redis.disconnect();
    send({ type: 'closed' });
    process.exit(0);
  }
});
