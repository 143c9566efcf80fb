// npm run soak — the supergraph under a steady mix of contract operations with subscriptions
// open, for a while (default 10 minutes at half the measured maximum RPS). Reports memory
// growth, the error count and p99 drift (first minute against last). A script, not a test.
//
//   npm run soak -- --minutes 10 --rps 40 --subscribers 50 --measure 20
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { operation } from '../../test/support/operations.ts';
import { adminClient, registerUser, startTestStack } from '../../test/support/stack.ts';
import { MIX, pick, SYMBOLS, type SoakUser } from './soak/mix.ts';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rps: { type: 'string' },
    measure: { type: 'string', default: '20' },
    subscribers: { type: 'string', default: '50' },
    users: { type: 'string', default: '20' },
  },
});
const MINUTES = Number(flags.minutes);
const SUBSCRIBERS = Number(flags.subscribers);
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

const stack = await startTestStack({ demoHistoryDays: 30 });
const sockets: Client[] = [];
try {
  const admin = await adminClient(stack);
  const users: SoakUser[] = [];
  for (let i = 0; i < Number(flags.users); i++) {
    const user = await registerUser(stack, 'soak');
    const created = await user.client.request(operation('CreatePortfolio'), {
      input: { name: `Soak ${i}`, portfolioType: 'TAXABLE', baseCurrency: i % 3 === 2 ? 'EUR' : 'USD' },
    });
    users.push({ client: user.client, portfolioId: created.data!.createPortfolio.id, email: user.email, password: user.password });
  }
  // Access tokens live 15 minutes: every user signs in again each 10 (not counted as load).
  const relogin = setInterval(() => {
    for (const user of users) {
      void stack.client.request(operation('Login'), { email: user.email, password: user.password }).then((answer) => {
        if (answer.data?.login) user.client = stack.client.withToken(answer.data.login.accessToken);
      });
    }
  }, 600_000).unref();

  // Errors are counted by operation, with the first few messages kept.
  let errors = 0;
  const errorSamples = new Map<string, number>();
  const failed = (what: string) => {
    errors++;
    errorSamples.set(what, (errorSamples.get(what) ?? 0) + 1);
  };
  let n = 0;
  const send = async (latencies: number[] | null) => {
    const i = n++;
    const entry = pick(i);
    const started = performance.now();
    try {
      const answer = await entry.run(users[i % users.length]!, i);
      if (answer.errors) failed(`${entry.name}: ${JSON.stringify(answer.errors).slice(0, 200)}`);
    } catch (error) {
      failed(`${entry.name}: ${(error as Error).message}`);
    }
    latencies?.push(performance.now() - started);
  };

  // Subscriptions: anonymous PriceTicks clients over graphql-ws, and a feed of ticks each second.
  let events = 0;
  let subscriptionFailures = 0;
  for (let s = 0; s < SUBSCRIBERS; s++) {
    const socket = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    sockets.push(socket);
    socket.subscribe(
      { query: operation('PriceTicks'), variables: { symbols: [SYMBOLS[s % SYMBOLS.length]!, SYMBOLS[(s + 3) % SYMBOLS.length]!] } },
      { next: () => void events++, error: () => void subscriptionFailures++, complete: () => {} },
    );
  }
  let feeding = true;
  let feedStep = 0;
  const feed = (async () => {
    while (feeding) {
      const time = new Date(Date.now() - 1000).toISOString();
      const answer = await admin.request(operation('IngestPrices'), {
        ticks: SYMBOLS.map((symbol, k) => ({ symbol, price: `${100 + k + (feedStep % 50) / 10}`, time })),
      });
      if (answer.errors) failed(`IngestPrices: ${JSON.stringify(answer.errors).slice(0, 200)}`);
      feedStep++;
      await sleep(1000);
    }
  })();

  // Maximum RPS: closed loop, 16 requests in flight, for --measure seconds (after a 5 s warm-up).
  const closedLoop = async (seconds: number) => {
    const latencies: number[] = [];
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < until) await send(latencies);
      }),
    );
    return latencies.length / seconds;
  };
  let rps = Number(flags.rps ?? 0);
  if (!rps) {
    await closedLoop(5);
    const errorsBefore = errors;
    const max = await closedLoop(Number(flags.measure));
    rps = Math.max(1, Math.round(max / 2));
    say(`measured maximum ${max.toFixed(1)} RPS (16 in flight, ${flags.measure} s, ${errors - errorsBefore} errors); soaking at ${rps} RPS`);
    for (const [what, count] of [...errorSamples].slice(0, 5)) say(`  while measuring: ${count} x ${what}`);
  }
  errors = 0;
  errorSamples.clear();
  const eventsAtStart = events;

  // The soak: open loop at `rps` (a request every 1000/rps ms whatever the answers do), per minute.
  say(
    `soak: ${MINUTES} min at ${rps} RPS, ${users.length} users, mix ${MIX.map((m) => `${m.name} ${m.weight}`).join(', ')}; ${SUBSCRIBERS} PriceTicks subscribers, 10 ticks/s`,
  );
  say('minute  sent  p50 ms  p99 ms  errors  events  heap MiB  rss MiB  in flight');
  const minutes: Array<{ p99: number; heap: number; rss: number }> = [];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  for (let minute = 1; minute <= MINUTES; minute++) {
    const latencies: number[] = [];
    const errorsBefore = errors;
    const eventsBefore = events;
    const minuteEnd = start + minute * 60_000;
    let sent = 0;
    while (performance.now() < minuteEnd) {
      const due = start + ((minute - 1) * 60 + sent / rps) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const request = send(latencies).finally(() => inFlight.delete(request));
      inFlight.add(request);
      sent++;
      if (start + ((minute - 1) * 60 + sent / rps) * 1000 >= minuteEnd) break;
    }
    latencies.sort((a, b) => a - b);
    const row = { p99: percentile(latencies, 0.99), heap: heapMiB(), rss: rssMiB() };
    minutes.push(row);
    say(
      `${String(minute).padStart(6)}  ${String(sent).padStart(4)}  ${percentile(latencies, 0.5).toFixed(0).padStart(6)}  ${row.p99.toFixed(0).padStart(6)}  ${String(errors - errorsBefore).padStart(6)}  ${String(events - eventsBefore).padStart(6)}  ${row.heap.toFixed(1).padStart(8)}  ${row.rss.toFixed(0).padStart(7)}  ${inFlight.size}`,
    );
  }
  await Promise.all(inFlight);
  feeding = false;
  await feed;

  const first = minutes[0]!;
  const last = minutes[minutes.length - 1]!;
  const growth = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`;
  say('');
  say(
    `memory growth (heap after GC, minute 1 -> ${minutes.length}): ${growth(first.heap, last.heap)} (${first.heap.toFixed(1)} -> ${last.heap.toFixed(1)} MiB)${gc ? '' : ' [no --expose-gc: heap not collected first]'}`,
  );
  say(`rss growth: ${growth(first.rss, last.rss)} (${first.rss.toFixed(0)} -> ${last.rss.toFixed(0)} MiB)`);
  say(
    `errors: ${errors}${[...errorSamples]
      .slice(0, 5)
      .map(([what, count]) => `\n  ${count} x ${what}`)
      .join('')}`,
  );
  say(`p99 drift (minute 1 -> ${minutes.length}): ${growth(first.p99, last.p99)} (${first.p99.toFixed(0)} -> ${last.p99.toFixed(0)} ms)`);
  say(`subscription events delivered: ${events - eventsAtStart}; subscriptions failed: ${subscriptionFailures}`);
  say(`(stack, load and subscribers in this one process on ${process.platform} ${process.arch}; other work on the machine counts too)`);
  clearInterval(relogin);
} finally {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack.teardown();
}
