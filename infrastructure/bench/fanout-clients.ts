// Child process of bench/fanout.ts: opens the WebSocket clients in their own process, so the
// gateway and the clients do not share an event loop. Reports latencies on request (IPC).
import WebSocket from 'ws';

interface Setup {
  wsUrl: string;
  clients: number;
  query: string;
  symbolSets: string[][];
}

const { wsUrl, clients, query, symbolSets } = JSON.parse(process.env.FANOUT_SETUP ?? '{}') as Setup;
const parentPort = {
  postMessage: (message: unknown) => process.send?.(message),
  on: (event: 'message', fn: (message: { type: string }) => void) => process.on(event, fn),
};
const latencies: number[] = [];
let received = 0;
let subscribed = 0;
const sockets: WebSocket[] = [];

for (let i = 0; i < clients; i++) {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  sockets.push(socket);
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { type: string; payload?: { data?: { priceTicks?: { time: string } } } };
    if (message.type === 'connection_ack') {
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { symbols: symbolSets[i % symbolSets.length] } } }));
      subscribed++;
      if (subscribed === clients) parentPort?.postMessage({ type: 'ready' });
    } else if (message.type === 'next') {
      const time = message.payload?.data?.priceTicks?.time;
      received++;
      // Ticks carry their publish instant as `time` (same machine, same clock).
      if (time) latencies.push(Date.now() - Date.parse(time));
    }
  });
  socket.on('error', () => {});
}

parentPort?.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    parentPort?.postMessage({ type: 'report', received, latencies });
    latencies.length = 0;
    received = 0;
  } else if (message.type === 'close') {
    for (const socket of sockets) socket.terminate();
    parentPort?.postMessage({ type: 'closed' });
    process.exit(0);
  }
});
