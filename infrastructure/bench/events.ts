// npm run bench:events — throughput of the event backbone on the local Redis and PostgreSQL.
// Phase 1: a producer XADDs N events (pipelined) to a fresh stream while one consumer
// (createStreamConsumer, group, ack after handle) applies each with processOnce (one transaction:
// processed_events row + effect row). Phase 2: N rows in an outbox table, relayed by
// createOutboxRelay to the stream and consumed the same way. Prints events/s for each.
// BENCH_EVENTS (default 2000), BENCH_CONSUMERS (default 1, same group), BENCH_CONCURRENCY (default 1:
// entries of a read handled one after the other, in order).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { connectRedis, createOutboxRelay, createStreamConsumer, PROCESSED_EVENTS_DDL, processOnce, type StreamConsumer, type StreamEvent } from '@nexanest/bus';
import { createPool } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 1);
const PIPELINE = 500;

const logger = createLogger('bench-events', 'warn');
const namespace = uniqueName('bench_events');
const database = await createTestDatabase('bench_events');
const pool = createPool({ url: database.url, max: CONSUMERS * CONCURRENCY + 4, applicationName: 'bench-events' });
const redis = connectRedis(testRedisUrl(), 0);

await pool.sql.unsafe(PROCESSED_EVENTS_DDL);
await pool.sql`create table effects (event_id text not null, topic text not null)`;
await pool.sql`create table outbox_events (
  id uuid primary key default gen_random_uuid(), topic text not null, payload jsonb not null,
  created_at timestamptz not null default now(), published_at timestamptz)`;

const apply = (event: StreamEvent) =>
  processOnce(pool.db, { consumer: 'bench', eventId: event.id }, async (tx) => {
    await tx.execute(sql`insert into effects (event_id, topic) values (${event.id}, ${event.topic})`);
  }).then(() => undefined);

const effects = async (topic: string) => (await pool.sql`select count(*)::int as n from effects where topic = ${topic}`)[0]!.n as number;

async function startConsumers(stream: string): Promise<StreamConsumer[]> {
  const consumers = Array.from({ length: CONSUMERS }, (_, i) =>
    createStreamConsumer({ redis, stream, group: 'bench', consumer: `bench-${i}`, handle: apply, logger, blockMs: 100, count: 200, concurrency: CONCURRENCY }),
  );
  for (const consumer of consumers) await consumer.start();
  return consumers;
}

async function waitFor(topic: string) {
  while ((await effects(topic)) < EVENTS) await new Promise((resolve) => setTimeout(resolve, 20));
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

try {
  // Phase 1: stream -> consumer.
  const stream1 = `${namespace}:direct:events`;
  const consumers1 = await startConsumers(stream1);
  const started = performance.now();
  for (let sent = 0; sent < EVENTS; sent += PIPELINE) {
    const pipeline = redis.pipeline();
    for (let i = sent; i < Math.min(EVENTS, sent + PIPELINE); i++) {
      pipeline.xadd(
        stream1,
        '*',
        'id',
        randomUUID(),
        'topic',
        'bench.direct',
        'payload',
        JSON.stringify({ i, amount: '12.34' }),
        'occurredAt',
        new Date().toISOString(),
      );
    }
    await pipeline.exec();
  }
  const produced = performance.now();
  await waitFor('bench.direct');
  const consumed = performance.now();
  for (const consumer of consumers1) await consumer.stop();

  // Phase 2: outbox -> relay -> stream -> consumer.
  const stream2 = `${namespace}:relayed:events`;
  await pool.sql`insert into outbox_events (topic, payload)
    select 'bench.relayed', jsonb_build_object('i', g, 'amount', '12.34') from generate_series(1, ${EVENTS}) g`;
  const consumers2 = await startConsumers(stream2);
  const relay = createOutboxRelay({ sql: pool.sql, redis, stream: stream2, intervalMs: 5, batchSize: 500, logger });
  const relayStarted = performance.now();
  relay.start();
  await waitFor('bench.relayed');
  const relayDone = performance.now();
  await relay.stop();
  for (const consumer of consumers2) await consumer.stop();

  const duplicates = (await pool.sql`select count(*) - count(distinct event_id) as n from effects`)[0]!.n;
  console.log(
    `events: ${EVENTS}, consumers: ${CONSUMERS} (group "bench"), concurrency: ${CONCURRENCY}, effect: processOnce (processed_events + 1 row, one transaction)`,
  );
  console.log(
    `phase 1 stream -> consumer: XADD ${rate(EVENTS, produced - started)} events/s; end to end ${rate(EVENTS, consumed - started)} events/s (${Math.round(consumed - started)} ms)`,
  );
  console.log(`phase 2 outbox -> relay -> stream -> consumer: ${rate(EVENTS, relayDone - relayStarted)} events/s (${Math.round(relayDone - relayStarted)} ms)`);
  console.log(`duplicate effects: ${duplicates}`);
} finally {
  redis.disconnect();
  await dropRedisNamespace(namespace);
  await pool.close();
  await database.drop();
}
