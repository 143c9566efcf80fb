import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createOutboxRelay, eventsStreamKey, fieldMap, type Redis } from '@nexanest/bus';
import { appRoleUrl, createPool } from '@nexanest/db';
import { DEV_SECRETS } from '@nexanest/config';
import { dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import { schema, type PortfolioPool } from '../src/db/index.ts';
import { createPortfolioServer } from '../src/server.ts';
import { createHarness, given, givenPortfolio, type Harness, logger, newUser } from './harness.ts';

let h: Harness;
let app: PortfolioPool;
let redis: Redis;
const namespace = uniqueName('portfolio_events');
const advisorId = randomUUID();

/** Events written to the outbox (what the relay will publish), oldest first. */
const outbox = async (topic: string) =>
  (await h.pool.sql`select payload from outbox_events where topic = ${topic} order by created_at, id`).map((row) => row.payload as Record<string, unknown>);

beforeAll(async () => {
  h = await createHarness();
  app = createPool({ url: appRoleUrl(h.database.url, DEV_SECRETS.APP_DB_PASSWORD), max: 2, schema, applicationName: 'portfolio-events-test' });
  redis = connectRedis(testRedisUrl(), 0);
});
afterAll(async () => {
  await app?.close();
  redis?.disconnect();
  await dropRedisNamespace(namespace);
  await h?.close();
});

describe('portfolio domain events', () => {
  it('writes transaction.recorded with the entry, once even when the request is retried', async () => {
    const ann = newUser();
    const portfolioId = await givenPortfolio(h.run, ann);
    const entry = await given(h.run, ann, { portfolioId, type: 'DEPOSIT', amount: '2500.10', idempotencyKey: 'dep-1' });
    await given(h.run, ann, { portfolioId, type: 'DEPOSIT', amount: '2500.10', idempotencyKey: 'dep-1' });
    const events = (await outbox('transaction.recorded')).filter((event) => event.portfolioId === portfolioId);
    expect(events).toEqual([
      {
        userId: ann.userId,
        portfolioId,
        transactionId: entry.id,
        type: 'DEPOSIT',
        symbol: null,
        quantity: null,
        amount: '2500.1',
        currency: 'USD',
        occurredAt: new Date(entry.executedAt).toISOString(),
      },
    ]);

    expect((await h.run(ann, 'mutation($id: ID!) { deleteTransaction(id: $id) }', { id: entry.id })).errors).toBeUndefined();
    expect((await outbox('transaction.deleted')).filter((event) => event.transactionId === entry.id)).toEqual([
      { userId: ann.userId, portfolioId, transactionId: entry.id },
    ]);
  });

  it('writes nothing for a refused entry', async () => {
    const bob = newUser();
    const portfolioId = await givenPortfolio(h.run, bob);
    const answer = await h.run(bob, 'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { id } }', {
      input: { portfolioId, type: 'SELL', symbol: 'AAPL', quantity: '5', price: '10', currency: 'USD', executedAt: new Date().toISOString() },
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await outbox('transaction.recorded')).filter((event) => event.portfolioId === portfolioId)).toEqual([]);
  });

  it('announces a grant and a revoke when they change something', async () => {
    const server = createPortfolioServer({
      db: app.db,
      market: h.marketClient,
      auth: { findAdvisor: async () => ({ id: advisorId }) },
      logger,
      production: false,
    });
    await server.apollo.start();
    try {
      const cat = newUser();
      const portfolioId = await givenPortfolio(h.run, cat);
      const run = async (mutation: string) => {
        const response = await server.apollo.executeOperation(
          { query: `mutation($p: ID!) { ${mutation}(portfolioId: $p, advisorEmail: "adv@example.com") { id } }`, variables: { p: portfolioId } },
          { contextValue: server.createContext(cat) },
        );
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        expect(response.body.singleResult.errors).toBeUndefined();
      };
      await run('grantPortfolioAccess');
      await run('grantPortfolioAccess'); // already granted: no event
      await run('revokePortfolioAccess');
      await run('revokePortfolioAccess'); // nothing to revoke: no event
      await run('grantPortfolioAccess');
      const expected = { ownerId: cat.userId, advisorId, portfolioId };
      expect((await outbox('portfolio_access.granted')).filter((event) => event.portfolioId === portfolioId)).toEqual([expected, expected]);
      expect((await outbox('portfolio_access.revoked')).filter((event) => event.portfolioId === portfolioId)).toEqual([expected]);
    } finally {
      await server.apollo.stop();
    }
  });

  it('lets requests write the outbox but not read it; the relay publishes it on the owner connection', async () => {
    await expect(app.sql`select count(*) from outbox_events`).rejects.toMatchObject({ code: '42501' });
    const stream = eventsStreamKey(namespace);
    const relay = createOutboxRelay({ sql: h.pool.sql, redis, stream, intervalMs: 20, logger });
    const published = await relay.publishPending();
    expect(published).toBeGreaterThan(0);
    const topics = (await redis.xrange(stream, '-', '+')).map(([, fields]) => fieldMap(fields).get('topic'));
    expect(new Set(topics)).toEqual(new Set(['transaction.recorded', 'transaction.deleted', 'portfolio_access.granted', 'portfolio_access.revoked']));
    expect((await h.pool.sql`select count(*)::int as n from outbox_events where published_at is null`)[0]!.n).toBe(0);
  });
});
