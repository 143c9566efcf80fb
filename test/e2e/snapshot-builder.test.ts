import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import {
  analyticsSchema,
  createAnalyticsEventsConsumer,
  eraseUserAnalytics,
  createPortfolioLedgerClient,
  createSnapshotBuilder,
  type SnapshotBuilder,
} from '@nexanest/analytics';
import { connectRedis, EVENTS_REDIS_DB } from '@nexanest/bus';
import { testRedisUrl } from '@nexanest/testing';
import { DEV_SECRETS } from '@nexanest/config';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger, createMarketClient } from '@nexanest/graphql';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The snapshot builder against the real stack: portfolio's ledger over its signed routes,
 * market's closes and FX history over HTTP, snapshots into analytics_ts, figures through the gateway.
 *
 * Scenario (EUR portfolio holding a USD stock), days D1..D3 = 4, 3 and 2 days ago (UTC):
 *   D1 10:00 DEPOSIT 1000 EUR; D1 11:00 BUY 5 AAPL at 100 USD (USD cash -500)
 *   D2 12:00 DEPOSIT 500 EUR
 *   AAPL close: 110, 120, 100 USD; USD/EUR at the day's end: 0.90, 0.92, 0.95
 *
 *   D1: 1000 + (-500 x 0.90) + 5 x 110 x 0.90 = 1000 - 450 + 495 = 1045, net flow 1000
 *   D2: 1500 + (-500 x 0.92) + 5 x 120 x 0.92 = 1500 - 460 + 552 = 1592, net flow 500
 *   D3: 1500 + (-500 x 0.95) + 5 x 100 x 0.95 = 1500 - 475 + 475 = 1500, net flow 0
 */
const DAY_MS = 86_400_000;
const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const dayOf = (daysAgo: number) => new Date(today - daysAgo * DAY_MS).toISOString().slice(0, 10);
const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const [D1, D2, D3] = [dayOf(4), dayOf(3), dayOf(2)] as [string, string, string];

let stack: TestStack;
let user: Awaited<ReturnType<typeof registerUser>>;
let portfolioId: string;
let analytics: Pool<typeof analyticsSchema>;
let timescale: Pool<Record<string, never>>;
let builder: SnapshotBuilder;

async function snapshots(): Promise<{ day: string; value: string; flow: string }[]> {
  const rows = await timescale.sql<{ time: string; total_value: string; net_flow: string; currency: string }[]>`
    select time, total_value::text, net_flow::text, currency from analytics_ts.portfolio_snapshots where portfolio_id = ${portfolioId} order by time`;
  for (const row of rows) expect(row.currency).toBe('EUR');
  return rows.map((row) => ({
    day: new Date(row.time).toISOString().slice(0, 10),
    value: new Decimal(row.total_value).toFixed(2),
    flow: new Decimal(row.net_flow).toFixed(2),
  }));
}

async function record(input: Record<string, unknown>): Promise<string> {
  const answer = await user.client.request(operation('RecordTransaction'), { input: { portfolioId, ...input } });
  expect(answer.errors).toBeUndefined();
  return answer.data?.recordTransaction.id;
}

beforeAll(async () => {
  // The stack's own analytics would rebuild on events with the real clock; this test drives the builder.
  stack = await startTestStack({ demoHistoryDays: 8, env: { ANALYTICS_SNAPSHOT_EVENTS: 'off' } });
  // Market's own history for the scenario: the day's last tick is its close, the day's last rate its FX.
  const admin = await adminClient(stack);
  const ticks = [110, 120, 100].map((price, i) => ({ symbol: 'AAPL', price: `${price}`, time: at([D1, D2, D3][i] as string, 22) }));
  expect((await admin.request(operation('IngestPrices'), { ticks })).errors).toBeUndefined();
  timescale = createPool({ url: stack.databases.timescale, max: 2, applicationName: 'snapshot-test' });
  for (const [day, rate] of [
    [D1, '0.90'],
    [D2, '0.92'],
    [D3, '0.95'],
  ] as const)
    await timescale.sql`insert into market_data.currency_rates (base, quote, time, rate) values ('USD', 'EUR', ${at(day, 22)}, ${rate})`;

  user = await registerUser(stack, 'snapshots');
  const created = await user.client.request(operation('CreatePortfolio'), { input: { name: 'Euro', portfolioType: 'TAXABLE', baseCurrency: 'EUR' } });
  portfolioId = created.data?.createPortfolio.id;
  await record({ type: 'DEPOSIT', amount: '1000', currency: 'EUR', executedAt: at(D1, 10) });
  await record({ type: 'BUY', symbol: 'AAPL', quantity: '5', price: '100', currency: 'USD', executedAt: at(D1, 11) });
  await record({ type: 'DEPOSIT', amount: '500', currency: 'EUR', executedAt: at(D2, 12) });

  analytics = createPool({ url: stack.databases.analytics, max: 2, schema: analyticsSchema, applicationName: 'snapshot-test' });
  builder = createSnapshotBuilder({
    analytics: analytics.db,
    timescale: timescale.sql,
    portfolio: createPortfolioLedgerClient({ url: stack.services.portfolio as string, secret: DEV_SECRETS.GATEWAY_IDENTITY_SECRET }),
    market: createMarketClient({ url: stack.services.market as string, cacheTtlMs: 0, secret: DEV_SECRETS.GATEWAY_IDENTITY_SECRET }),
    logger: createLogger('snapshot-test', 'silent'),
    // D3 is the last complete day.
    now: () => new Date(at(dayOf(1), 1)),
  });
});
afterAll(async () => {
  await analytics?.close();
  await timescale?.close();
  await stack?.teardown();
});

describe('snapshot builder', () => {
  it('values each day from the ledger, closes and FX of that day, in EUR', async () => {
    const outcomes = await builder.run({ portfolioIds: [portfolioId] });
    expect(outcomes).toEqual([{ portfolioId, fromDay: D1, toDay: D3, days: 3, written: 3 }]);
    expect(await snapshots()).toEqual([
      { day: D1, value: '1045.00', flow: '1000.00' },
      { day: D2, value: '1592.00', flow: '500.00' },
      { day: D3, value: '1500.00', flow: '0.00' },
    ]);
  });

  it('has nothing to do when nothing changed', async () => {
    expect(await builder.run({ portfolioIds: [portfolioId] })).toEqual([]);
  });

  it('rebuilds from the day of a back-dated entry only, and again when it is deleted', async () => {
    const id = await record({ type: 'DEPOSIT', amount: '100', currency: 'EUR', executedAt: at(D2, 9) });
    expect(await builder.run({ portfolioIds: [portfolioId] })).toEqual([{ portfolioId, fromDay: D2, toDay: D3, days: 2, written: 2 }]);
    expect(await snapshots()).toEqual([
      { day: D1, value: '1045.00', flow: '1000.00' },
      { day: D2, value: '1692.00', flow: '600.00' },
      { day: D3, value: '1600.00', flow: '0.00' },
    ]);

    // The figures come through the gateway: base D1 (its flow is starting capital), end D3.
    const answer = await user.client.request(
      'query($id: ID!) { portfolio(id: $id) { performance(range: ONE_MONTH) { startValue { amount currency } endValue { amount currency } simpleReturn timeWeightedReturn } } }',
      { id: portfolioId },
    );
    expect(answer.errors).toBeUndefined();
    const performance = answer.data?.portfolio.performance;
    expect(new Decimal(performance.startValue.amount).eq(1045)).toBe(true);
    expect(new Decimal(performance.endValue.amount).eq(1600)).toBe(true);
    expect(performance.endValue.currency).toBe('EUR');
    // simple = (1600 - 1045 - 600) / 1045; TWR = (1 + 47/1045) x (1 - 92/1692) - 1
    expect(performance.simpleReturn).toBeCloseTo(-45 / 1045, 9);
    expect(performance.timeWeightedReturn).toBeCloseTo((1 + 47 / 1045) * (1 - 92 / 1692) - 1, 9);

    const deleted = await user.client.request('mutation($id: ID!) { deleteTransaction(id: $id) }', { id });
    expect(deleted.data?.deleteTransaction).toBe(true);
    expect(await builder.run({ portfolioIds: [portfolioId] })).toEqual([{ portfolioId, fromDay: D2, toDay: D3, days: 2, written: 2 }]);
    expect((await snapshots()).map((row) => row.value)).toEqual(['1045.00', '1592.00', '1500.00']);
  });

  it('refuses to value a day without an FX rate, and writes nothing for it', async () => {
    const other = await user.client.request(operation('CreatePortfolio'), { input: { name: 'Yen', portfolioType: 'TAXABLE', baseCurrency: 'JPY' } });
    const otherId = other.data?.createPortfolio.id;
    await user.client.request(operation('RecordTransaction'), {
      input: { portfolioId: otherId, type: 'DEPOSIT', amount: '10', currency: 'EUR', executedAt: at(dayOf(30), 10) },
    });
    const [outcome] = await builder.run({ portfolioIds: [otherId] });
    expect(outcome?.written).toBe(0);
    expect(outcome?.error).toMatch(/^no EUR\/JPY rate for \d{4}-\d{2}-\d{2}$/);
    const [row] = await timescale.sql`select count(*)::int as n from analytics_ts.portfolio_snapshots where portfolio_id = ${otherId}`;
    expect(row?.n).toBe(0);
  });

  it('rebuilds from transaction.recorded events of the analytics consumer group', async () => {
    const redis = connectRedis(testRedisUrl(), EVENTS_REDIS_DB);
    const consumer = createAnalyticsEventsConsumer({
      redis,
      namespace: stack.namespace,
      builder,
      logger: createLogger('snapshot-test', 'silent'),
      erase: (userId) => eraseUserAnalytics({ analytics: analytics.sql, timescale: timescale.sql }, userId),
      blockMs: 100,
    });
    await consumer.start();
    try {
      await record({ type: 'WITHDRAWAL', amount: '92', currency: 'EUR', executedAt: at(D3, 8) });
      // Waits for the consumer (no assertion on time): D3 becomes 1500 - 92 = 1408 with a flow of -92.
      for (let i = 0; i < 300; i++) {
        const rows = await snapshots();
        if (rows[2]?.value === '1408.00') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await snapshots()).toEqual([
        { day: D1, value: '1045.00', flow: '1000.00' },
        { day: D2, value: '1592.00', flow: '500.00' },
        { day: D3, value: '1408.00', flow: '-92.00' },
      ]);
    } finally {
      await consumer.stop();
      redis.disconnect();
    }
  });
});
