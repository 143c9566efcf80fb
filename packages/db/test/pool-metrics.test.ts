import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createSubgraphServer, listen, type RunningServer } from '@nexanest/graphql';
import { createTestDatabase, readMetric, readUntil, type TestDatabase } from '@nexanest/testing';
import { createPool, type Pool } from '../src/index.ts';

// Pool usage as Prometheus sees it: a subgraph server whose /metrics reports a real pool.
let database: TestDatabase;
let pool: Pool;
let running: RunningServer;
beforeAll(async () => {
  database = await createTestDatabase('pool_metrics');
  pool = createPool({ url: database.url, max: 2, applicationName: 'pool-metrics-test' });
  const server = createSubgraphServer(
    { name: 'pool-metrics-test', typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } },
    { logger: createLogger('pool-metrics-test', 'silent'), production: false },
  );
  running = await listen({ apollo: server.apollo, port: 0, identitySecret: 'x'.repeat(32), createContext: () => ({}), observe: { pools: { main: pool } } });
});
afterAll(async () => {
  await running?.close();
  await pool?.close();
  await database?.drop();
});

/** Transactions that hold their connection until released. */
function holdTransactions(count: number) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const started: Promise<void>[] = [];
  const done = Array.from({ length: count }, () => {
    let began!: () => void;
    started.push(new Promise<void>((resolve) => (began = resolve)));
    return pool.sql.begin(async (tx) => {
      await tx`select 1`;
      began();
      await gate;
    });
  });
  return {
    started,
    async release() {
      release();
      await Promise.all(done);
    },
  };
}

describe('db pool usage on /metrics', () => {
  it('reports the pool size and nothing in use when idle', async () => {
    expect(await readMetric(running.url, 'db_pool_max_connections', { pool: 'main' })).toBe(2);
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'in_use' })).toBe(0);
    expect(await readMetric(running.url, 'db_pool_waiting', { pool: 'main' })).toBe(0);
  });

  it('counts connections in use, then work waiting beyond the maximum, then idle connections once released', async () => {
    const held = holdTransactions(2);
    await Promise.all(held.started);
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'in_use' })).toBe(2);
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'open' })).toBe(2);
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'idle' })).toBe(0);

    // A third transaction and a plain query find both connections taken.
    const third = pool.sql.begin((tx) => tx`select 3`);
    const query = pool.sql`select 4 as four`;
    const answered = query.then((rows) => rows[0]?.four);
    expect(await readUntil(() => readMetric(running.url, 'db_pool_waiting', { pool: 'main' }), 2)).toBe(2);

    await held.release();
    await third;
    expect(await answered).toBe(4);
    expect(await readUntil(() => readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'in_use' }), 0)).toBe(0);
    expect(await readMetric(running.url, 'db_pool_waiting', { pool: 'main' })).toBe(0);
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'idle' })).toBe(2);
  });

  it('counts drizzle transactions and a reserved connection too', async () => {
    const reserved = await pool.sql.reserve();
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'in_use' })).toBe(1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const begun = new Promise<void>((resolve) => (began = resolve));
    const transaction = pool.db.transaction(async (tx) => {
      await tx.execute('select 1');
      began();
      await gate;
    });
    await begun;
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'in_use' })).toBe(2);
    release();
    await transaction;
    reserved.release();
    expect(await readMetric(running.url, 'db_pool_connections', { pool: 'main', state: 'in_use' })).toBe(0);
  });
});
