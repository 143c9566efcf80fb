import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { DEV_SECRETS } from '@nexanest/config';
import { createMarketClient } from '@nexanest/graphql';
import { operation } from '../support/operations.ts';
import { registerUser, startTestStack, type TestStack } from '../support/stack.ts';

// The analytics fields of PortfolioDetail, exactly as the contract selects them. (The whole
// PortfolioDetail operation also needs portfolio fields other teams are adding.)
const PORTFOLIO_DETAIL_ANALYTICS = `query PortfolioDetailAnalytics($id: ID!, $from: DateTime!, $to: DateTime!) {
  portfolio(id: $id) {
    id
    baseCurrency
    performance(range: ONE_YEAR) {
      simpleReturn
      timeWeightedReturn
      moneyWeightedReturn
      startValue { amount currency }
      endValue { amount currency }
      benchmarkSymbol
      benchmarkReturn
    }
    snapshots(from: $from, to: $to, interval: DAY) { time totalValue { amount currency } dayChangePercent totalReturnPercent }
    riskMetrics(window: ONE_YEAR) { volatility maxDrawdown sharpeRatio beta }
  }
}`;

const DAY_MS = 86_400_000;
const utcDay = (time: Date | string) => new Date(time).toISOString().slice(0, 10);

let stack: TestStack;
beforeAll(async () => {
  // A little more than a year of daily prices, so SPY has a close at both ends of ONE_YEAR.
  stack = await startTestStack({ demoHistoryDays: 380 });
});
afterAll(async () => {
  await stack?.teardown();
});

async function createPortfolio(client: Awaited<ReturnType<typeof registerUser>>['client'], baseCurrency: string) {
  const created = await client.request(operation('CreatePortfolio'), { input: { name: `Core ${baseCurrency}`, portfolioType: 'TAXABLE', baseCurrency } });
  expect(created.errors).toBeUndefined();
  return created.data?.createPortfolio.id as string;
}

/** SPY's ONE_YEAR return as a client can reconcile it: from the daily candles market serves through the gateway. */
/**
 * SPY's one-year return as the gateway's candles give it, in `currency`: each close converted at
 * its own day's rate from market's FX history (closes of days without a rate left out).
 */
async function spyOneYearReturn(client: Awaited<ReturnType<typeof registerUser>>['client'], currency = 'USD'): Promise<number> {
  const now = new Date();
  const start = new Date(now);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  const from = new Date(start.getTime() - 7 * DAY_MS);
  const candles = await client.request<{ instrument: { candles: { time: string; close: string }[] } }>(
    'query($from: DateTime!, $to: DateTime!) { instrument(symbol: "SPY") { candles(interval: ONE_DAY, from: $from, to: $to) { time close } } }',
    { from: from.toISOString(), to: new Date(now.getTime() + DAY_MS).toISOString() },
  );
  expect(candles.errors).toBeUndefined();
  let closes = candles.data!.instrument.candles.map((candle) => ({ day: utcDay(candle.time), close: new Decimal(candle.close) }));
  if (currency !== 'USD') {
    const market = createMarketClient({ url: stack.services.market as string, cacheTtlMs: 0, secret: DEV_SECRETS.GATEWAY_IDENTITY_SECRET });
    const rates = await market.fxHistory('USD', currency, utcDay(from.toISOString()), utcDay(now.toISOString()));
    closes = closes.flatMap((entry) => {
      const rate = rates.get(entry.day);
      return rate ? [{ day: entry.day, close: entry.close.times(rate) }] : [];
    });
  }
  const closeAsOf = (day: string) => closes.filter((entry) => entry.day <= day).at(-1)!.close;
  return closeAsOf(utcDay(now.toISOString()))
    .dividedBy(closeAsOf(utcDay(start.toISOString())))
    .minus(1)
    .toNumber();
}

describe('analytics through the gateway', () => {
  it("answers PortfolioDetail's analytics fields, with the benchmark taken from the portfolio subgraph", async () => {
    const user = await registerUser(stack, 'analytics');
    const id = await createPortfolio(user.client, 'USD');
    const detail = await user.client.request(PORTFOLIO_DETAIL_ANALYTICS, {
      id,
      from: new Date(Date.now() - 30 * DAY_MS).toISOString(),
      to: new Date().toISOString(),
    });
    expect(detail.errors).toBeUndefined();
    const portfolio = detail.data!.portfolio;
    // No snapshots exist yet (the builder job is not there): nothing to measure, said as null.
    expect(portfolio.performance).toMatchObject({
      simpleReturn: null,
      timeWeightedReturn: null,
      moneyWeightedReturn: null,
      startValue: null,
      endValue: null,
      benchmarkSymbol: 'SPY',
    });
    expect(portfolio.snapshots).toEqual([]);
    expect(portfolio.riskMetrics).toEqual({ volatility: null, maxDrawdown: null, sharpeRatio: null, beta: null });
    // The benchmark is measured over the window from market's daily closes.
    expect(portfolio.performance.benchmarkReturn).toBeCloseTo(await spyOneYearReturn(user.client), 12);
  });

  it("gives a EUR portfolio SPY's return in EUR, each close converted at its own day's rate", async () => {
    const user = await registerUser(stack, 'analytics_eur');
    const id = await createPortfolio(user.client, 'EUR');
    const detail = await user.client.request(PORTFOLIO_DETAIL_ANALYTICS, {
      id,
      from: new Date(Date.now() - DAY_MS).toISOString(),
      to: new Date().toISOString(),
    });
    expect(detail.errors).toBeUndefined();
    expect(detail.data!.portfolio.performance.benchmarkReturn).toBeCloseTo(await spyOneYearReturn(user.client, 'EUR'), 12);
  });

  it('answers the PerformanceSeries operation as written, for the owner only', async () => {
    const user = await registerUser(stack, 'series');
    const id = await createPortfolio(user.client, 'USD');
    const series = await user.client.request(operation('PerformanceSeries'), { id });
    expect(series.errors).toBeUndefined();
    expect(series.data).toEqual({ portfolio: { performanceSeries: [] } });

    const stranger = await registerUser(stack, 'stranger');
    const denied = await stranger.client.request(operation('PerformanceSeries'), { id });
    expect(denied.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(denied.data?.portfolio ?? null).toBeNull();
  });

  it('answers UNAUTHENTICATED to an anonymous caller', async () => {
    const anonymous = await stack.client.request(operation('PerformanceSeries'), { id: '00000000-0000-4000-8000-000000000000' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
