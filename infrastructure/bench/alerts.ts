// npm run bench:alerts — how long a price alert takes to reach its owner: a user subscribes to
// NotificationAdded over graphql-ws through the gateway, an admin ingests ticks that cross the
// alert's threshold (down, then up: one firing per round), and each notification's arrival is
// timed from the IngestPrices request being sent and from its response. Prints p50/p95/max.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@nexanest/testing';
import { operation } from '../../test/support/operations.ts';
import { adminClient, registerUser, startTestStack } from '../../test/support/stack.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const SYMBOL = 'MSFT';
const THRESHOLD = 1000;

const stack = await startTestStack();
const redis = new Redis(testRedisUrl());
try {
  const admin = await adminClient(stack);
  const user = await registerUser(stack, 'bench_alerts');
  let last = 0;
  const ingest = async (price: string) => {
    last = Math.max(Date.now() - 1, last + 1);
    const response = await admin.request(operation('IngestPrices'), { ticks: [{ symbol: SYMBOL, price, time: new Date(last).toISOString() }] });
    if (response.errors || response.data?.ingestPrices.accepted !== 1) throw new Error(`ingest failed: ${JSON.stringify(response.errors)}`);
  };
  await ingest(String(THRESHOLD - 1));
  const created = await user.client.request(operation('CreatePriceAlert'), { input: { symbol: SYMBOL, condition: 'ABOVE', threshold: String(THRESHOLD) } });
  if (created.errors) throw new Error(`CreatePriceAlert failed: ${JSON.stringify(created.errors)}`);

  const socket = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${user.token}` } });
  const events = socket.iterate({ query: operation('NotificationAdded') });
  let waiting = events.next();
  const channel = `${stack.namespace}:notifications:${user.userId}`;
  while (((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 0) await new Promise((resolve) => setTimeout(resolve, 20));

  const fromSent: number[] = [];
  const fromResponse: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await ingest(`${THRESHOLD - 1}.5`); // back below: re-armed, nothing sent
    const sent = performance.now();
    await ingest(`${THRESHOLD}.${round + 1}`);
    const answered = performance.now();
    const event = await waiting;
    const arrived = performance.now();
    if (event.done || event.value.errors) throw new Error(`unexpected event: ${JSON.stringify(event)}`);
    fromSent.push(arrived - sent);
    fromResponse.push(Math.max(0, arrived - answered));
    waiting = events.next();
  }
  await events.return?.();
  await socket.dispose();

  const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
  const line = (name: string, values: number[]) =>
    `${name.padEnd(34)} p50 ${percentile(values, 50).toFixed(1)} ms  p95 ${percentile(values, 95).toFixed(1)} ms  max ${Math.max(...values).toFixed(1)} ms`;
  console.log(`price alert -> NotificationAdded over graphql-ws, ${ROUNDS} firings (single process, shared event loop)`);
  console.log(line('from IngestPrices request sent', fromSent));
  console.log(line('from IngestPrices response', fromResponse));
} finally {
  redis.disconnect();
  await stack.teardown();
}
