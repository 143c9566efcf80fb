import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { createTestDatabase, dropRedisNamespace, type TestDatabase, testRedisUrl, uniqueName } from '@nexanest/testing';
import { connectRedis, createOutboxRelay, eventsStreamKey, fieldMap, type Redis } from '../src/index.ts';

const namespace = uniqueName('bus_relay');
const stream = eventsStreamKey(namespace);
const logger = createLogger('bus-relay-test', 'silent');
let database: TestDatabase;
let pool: Pool;
let redis: Redis;

const outboxDdl = (table: string) => `create table ${table} (
  id uuid primary key default gen_random_uuid(),
  topic text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
)`;

beforeAll(async () => {
  database = await createTestDatabase('bus_relay');
  pool = createPool({ url: database.url, max: 4, applicationName: 'bus-relay-test' });
  await pool.sql.unsafe(outboxDdl('outbox_events'));
  await pool.sql.unsafe(outboxDdl('custom_outbox'));
  redis = connectRedis(testRedisUrl(), 0);
});
afterAll(async () => {
  await dropRedisNamespace(namespace);
  redis?.disconnect();
  await pool?.close();
  await database?.drop();
});

const entries = async () => (await redis.xrange(stream, '-', '+')).map(([, fields]) => fieldMap(fields));

describe('createOutboxRelay', () => {
  it('publishes committed rows once, oldest first, with id, topic, payload and occurredAt, in batches', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const [row] = await pool.sql`insert into outbox_events (topic, payload, created_at)
        values ('test.relayed', ${JSON.stringify({ i, amount: '10.50' })}::text::jsonb, now() + make_interval(secs => ${i})) returning id`;
      ids.push(row!.id);
    }
    const relay = createOutboxRelay({ sql: pool.sql, redis, stream, intervalMs: 20, logger, batchSize: 3 });
    expect(await relay.publishPending()).toBe(7);
    expect(await relay.publishPending()).toBe(0);
    const published = await entries();
    expect(published.map((fields) => fields.get('id'))).toEqual(ids);
    expect(published.map((fields) => JSON.parse(fields.get('payload')!))).toEqual(ids.map((_, i) => ({ i, amount: '10.50' })));
    expect(new Set(published.map((fields) => fields.get('topic')))).toEqual(new Set(['test.relayed']));
    for (const fields of published) expect(Number.isNaN(Date.parse(fields.get('occurredAt')!))).toBe(false);
    const unpublished = await pool.sql`select count(*)::int as n from outbox_events where published_at is null`;
    expect(unpublished[0]!.n).toBe(0);
  });

  it('relays another table when started, and leaves rows of a rolled-back transaction alone', async () => {
    await pool.sql.begin(async (tx) => {
      await tx`insert into custom_outbox (topic, payload) values ('test.custom', ${JSON.stringify({ ok: true })}::text::jsonb)`;
    });
    await pool.sql
      .begin(async (tx) => {
        await tx`insert into custom_outbox (topic, payload) values ('test.rolled_back', ${JSON.stringify({ ok: false })}::text::jsonb)`;
        throw new Error('abort');
      })
      .catch(() => {});
    const relay = createOutboxRelay({ sql: pool.sql, redis, stream, table: 'custom_outbox', intervalMs: 20, logger });
    relay.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!(await entries()).some((fields) => fields.get('topic') === 'test.custom')) {
        if (Date.now() > deadline) throw new Error('not relayed');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await relay.stop();
    }
    expect((await entries()).map((fields) => fields.get('topic')).filter((topic) => topic !== 'test.relayed')).toEqual(['test.custom']);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => createOutboxRelay({ sql: pool.sql, redis, stream, table: 'x; drop table y', intervalMs: 20, logger })).toThrow(/invalid outbox table/);
  });
});
