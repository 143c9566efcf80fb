import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { Redis } from 'ioredis';
import { testRedisUrl } from '@nexanest/testing';
import { latestPriceKey } from '@nexanest/market';
import { operation } from '../support/operations.ts';
import { adminClient, startTestStack, type TestStack } from '../support/stack.ts';

// Market data as a client sees it through the gateway: ticks pushed with IngestPrices become
// candles (rollups), index levels, and a latest price cached in Redis DB 1.

let stack: TestStack;
let admin: Awaited<ReturnType<typeof adminClient>>;
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const day = today - 3 * DAY; // a day of the demo history (its tick is at 21:00 UTC)
const at = (hh: number, mm: number, ss: number) => new Date(day + ((hh * 60 + mm) * 60 + ss) * 1000).toISOString();

beforeAll(async () => {
  stack = await startTestStack({ demoHistoryDays: 10 });
  admin = await adminClient(stack);
});
afterAll(async () => {
  await stack?.teardown();
});

const ingestWithReasons = `mutation($ticks: [PriceTickInput!]!) { ingestPrices(ticks: $ticks) { accepted rejected { index symbol reason } } }`;
const candlesQuery = `query($s: ID!, $i: CandleInterval!, $from: DateTime!, $to: DateTime!) {
  instrument(symbol: $s) { candles(interval: $i, from: $from, to: $to) { time open high low close volume } } }`;

describe('market time series through the gateway', () => {
  it('turns ticks pushed out of order, in several calls, into exact candles', async () => {
    const dailyBefore = await stack.client.request(operation('Instrument'), {
      symbol: 'NVDA',
      from: new Date(day).toISOString(),
      to: new Date(day + DAY).toISOString(),
    });
    const before = dailyBefore.data?.instrument.candles[0] as { volume: string };

    const second = await admin.request(operation('IngestPrices'), {
      ticks: [
        { symbol: 'NVDA', price: '130.40', time: at(10, 0, 30), volume: '7' },
        { symbol: 'NVDA', price: '129.95', time: at(10, 4, 59), volume: '1' },
      ],
    });
    expect(second.data?.ingestPrices).toEqual({ accepted: 2 });
    const first = await admin.request(operation('IngestPrices'), {
      ticks: [
        { symbol: 'NVDA', price: '130.10', time: at(10, 0, 5), volume: '5' },
        { symbol: 'NVDA', price: '131.00', time: at(10, 2, 0), volume: '2' },
        { symbol: 'NVDA', price: '130.10', time: at(10, 0, 5), volume: '5' }, // a repeat: stored once
      ],
    });
    expect(first.data?.ingestPrices).toEqual({ accepted: 3 });

    const fiveMinutes = await stack.client.request(candlesQuery, { s: 'NVDA', i: 'FIVE_MINUTES', from: at(10, 0, 0), to: at(10, 10, 0) });
    expect(fiveMinutes.data?.instrument.candles).toEqual([{ time: at(10, 0, 0), open: '130.1', high: '131', low: '129.95', close: '129.95', volume: '15' }]);
    const minutes = await stack.client.request(candlesQuery, { s: 'NVDA', i: 'ONE_MINUTE', from: at(10, 0, 0), to: at(10, 5, 0) });
    expect(minutes.data?.instrument.candles.map((c: { time: string; close: string }) => [c.time, c.close])).toEqual([
      [at(10, 0, 0), '130.4'],
      [at(10, 2, 0), '131'],
      [at(10, 4, 0), '129.95'],
    ]);

    const dailyAfter = await stack.client.request(operation('Instrument'), {
      symbol: 'NVDA',
      from: new Date(day).toISOString(),
      to: new Date(day + DAY).toISOString(),
    });
    const after = dailyAfter.data?.instrument.candles[0] as { time: string; open: string; volume: string };
    expect(after.time).toBe(new Date(day).toISOString());
    expect(after.open).toBe('130.1'); // earlier than the history's 21:00 tick
    expect(new Decimal(after.volume).sub(before.volume).toFixed()).toBe('15');
  });

  it('tells a feed how many ticks were accepted and why the others were not', async () => {
    const response = await admin.request(ingestWithReasons, {
      ticks: [
        { symbol: 'AAPL', price: '191.5', time: new Date(Date.now() - 2000).toISOString() },
        { symbol: 'NOPE', price: '1', time: new Date(Date.now() - 2000).toISOString() },
        { symbol: 'AAPL', price: '-1', time: new Date(Date.now() - 2000).toISOString() },
        { symbol: 'AAPL', price: '191', time: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    });
    expect(response.data?.ingestPrices).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, symbol: 'NOPE', reason: 'Unknown symbol NOPE' },
        { index: 2, symbol: 'AAPL', reason: 'Price must be positive' },
        { index: 3, symbol: 'AAPL', reason: 'Time is in the future' },
      ],
    });
  });

  it('caches the latest price in Redis DB 1 under the namespace, and answers it', async () => {
    const time = new Date(Date.now() - 1000).toISOString();
    await admin.request(operation('IngestPrices'), { ticks: [{ symbol: 'AMZN', price: '181.75', time }] });
    const redis = new Redis(testRedisUrl(), { db: 1 });
    try {
      const cached = JSON.parse((await redis.get(latestPriceKey(stack.namespace, 'AMZN'))) ?? '{}') as { price?: string; time?: string };
      expect(cached).toMatchObject({ price: '181.75', time });
    } finally {
      redis.disconnect();
    }
    const response = await stack.client.request(operation('Instrument'), {
      symbol: 'AMZN',
      from: new Date(today).toISOString(),
      to: new Date(today + DAY).toISOString(),
    });
    expect(response.data?.instrument.latestPrice).toMatchObject({ price: '181.75', time });
  });

  it('answers MarketIndices from the index time series, with the move over the previous close', async () => {
    const history = await stack.client.request(candlesQuery, {
      s: 'SPX',
      i: 'ONE_DAY',
      from: new Date(today - 9 * DAY).toISOString(),
      to: new Date(today).toISOString(),
    });
    const previousClose = history.data?.instrument.candles.at(-1).close as string;
    const time = new Date(Date.now() - 1000).toISOString();
    await admin.request(operation('IngestPrices'), { ticks: [{ symbol: 'SPX', price: '6012.34', time }] });
    const response = await stack.client.request(operation('MarketIndices'));
    const spx = response.data?.marketIndices.find((index: { symbol: string }) => index.symbol === 'SPX');
    expect(spx).toMatchObject({ symbol: 'SPX', value: '6012.34', time, change: new Decimal('6012.34').sub(previousClose).toFixed() });
  });

  it('answers FxRate from the currency_rates time series, through USD when there is no direct pair', async () => {
    const direct = await stack.client.request(operation('FxRate'), { base: 'USD', quote: 'EUR' });
    const inverse = await stack.client.request(operation('FxRate'), { base: 'USD', quote: 'GBP' });
    const cross = await stack.client.request(operation('FxRate'), { base: 'EUR', quote: 'GBP' });
    expect(cross.data?.fxRate.base).toBe('EUR');
    const expected = new Decimal(inverse.data?.fxRate.rate).div(direct.data?.fxRate.rate);
    expect(new Decimal(cross.data?.fxRate.rate).sub(expected).abs().lt('1e-15')).toBe(true);
    const missing = await stack.client.request(operation('FxRate'), { base: 'USD', quote: 'SEK' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
