import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { createFxTable } from '../src/domain/fx.ts';
import { mergeLatestPrice, priceChange, type StoredTick } from '../src/domain/latest-price.ts';
import { validateTicks } from '../src/domain/tick-validation.ts';
import { demoSeries, demoTimes } from '../src/domain/demo-history.ts';
import { assertCandleRange } from '../src/domain/candles.ts';
import { assertMayIngest } from '../src/domain/ingest-permission.ts';
import { marketValueOf, totalValueOf, unrealizedGainOf } from '../src/domain/valuation.ts';

const fx = createFxTable([
  { base: 'USD', quote: 'EUR', rate: '0.92' },
  { base: 'USD', quote: 'JPY', rate: '150' },
  { base: 'GBP', quote: 'USD', rate: '1.25' },
]);

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code ?? 'no code';
  }
};

describe('fx', () => {
  it('answers 1 for the same currency and the direct rate for a stored pair', () => {
    expect(fx.rate('CHF', 'CHF').toFixed()).toBe('1');
    expect(fx.rate('USD', 'EUR').toFixed()).toBe('0.92');
  });

  it('inverts a stored pair with at least 20 significant digits', () => {
    const inverse = fx.rate('EUR', 'USD');
    expect(inverse.toSignificantDigits(20).toFixed()).toBe('1.0869565217391304348');
  });

  it('triangulates through USD when no pair links the currencies', () => {
    expect(fx.rate('EUR', 'JPY').toSignificantDigits(20).toFixed()).toBe('163.04347826086956522');
    expect(fx.rate('GBP', 'EUR').toFixed()).toBe('1.15');
  });

  it('answers NOT_FOUND for a currency without rates, never 0 or 1', () => {
    expect(codeOf(() => fx.rate('EUR', 'XYZ'))).toBe('NOT_FOUND');
    expect(() => fx.rate('EUR', 'XYZ')).toThrow('No FX rate for EUR/XYZ');
  });
});

describe('latest price', () => {
  const tick = (time: string, price: string, volume: string | null = '10'): StoredTick => ({ symbol: 'AAPL', time: new Date(time), price, volume });

  it('computes change and changePercent from the previous close', () => {
    const { change, changePercent } = priceChange('101.50', '100');
    expect(change?.toFixed()).toBe('1.5');
    expect(changePercent).toBe(1.5);
    expect(priceChange('99', null)).toEqual({ change: null, changePercent: null });
  });

  it('keeps the day range and closes the previous day when a new day starts', () => {
    const day1 = mergeLatestPrice(null, [tick('2026-11-19T15:00:00Z', '100'), tick('2026-11-19T20:00:00Z', '104')]);
    const day2 = mergeLatestPrice(day1, [tick('2026-11-20T16:00:00Z', '102'), tick('2026-11-20T14:00:00Z', '99'), tick('2026-11-20T15:00:00Z', '106', null)]);
    expect(day2).toMatchObject({ price: '102', day: '2026-11-20', open: '99', high: '106', low: '99', volume: '20', prevClose: '104' });
  });

  it('ignores a late tick from a day already closed', () => {
    const today = mergeLatestPrice(null, [tick('2026-11-20T16:00:00Z', '102')]);
    expect(mergeLatestPrice(today, [tick('2026-11-19T16:00:00Z', '1')])).toEqual(today);
  });
});

describe('tick validation', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const known = new Map([
    ['AAPL', 'STOCK'],
    ['SAP', 'STOCK'],
    ['EURUSD', 'CURRENCY'],
  ] as const);

  it('rejects an unknown symbol, a non-positive price and a time in the future, and keeps the rest', () => {
    const { valid, rejected } = validateTicks(
      [
        { symbol: 'aapl', price: new Decimal('190.10'), time: now },
        { symbol: 'NOPE', price: '1', time: now },
        { symbol: 'SAP', price: '0', time: now },
        { symbol: 'SAP', price: '-2', time: now },
        { symbol: 'SAP', price: '170', time: new Date(now.getTime() + 6000) },
        { symbol: 'SAP', price: '170', time: new Date(now.getTime() + 4000), volume: '12' },
        { symbol: 'EURUSD', price: '1.08', time: now },
      ],
      known,
      { now },
    );
    expect(valid.map((tick) => [tick.index, tick.symbol, tick.price])).toEqual([
      [0, 'AAPL', '190.1'],
      [5, 'SAP', '170'],
    ]);
    expect(rejected).toEqual([
      { index: 1, symbol: 'NOPE', reason: 'Unknown symbol NOPE' },
      { index: 2, symbol: 'SAP', reason: 'Price must be positive' },
      { index: 3, symbol: 'SAP', reason: 'Price must be positive' },
      { index: 4, symbol: 'SAP', reason: 'Time is in the future' },
      { index: 6, symbol: 'EURUSD', reason: 'EURUSD is a currency pair; FX rates are not ingested as ticks' },
    ]);
  });
});

describe('valuation', () => {
  it('converts a USD position into EUR and the gain at the same rate', () => {
    const facts = { quantity: '10', price: '200.5', tradingCurrency: 'USD', baseCurrency: 'EUR', costBasis: { amount: '1500', currency: 'USD' } };
    expect(marketValueOf(facts, fx).toFixed()).toBe('1844.6');
    expect(unrealizedGainOf(facts, fx).toFixed()).toBe('464.6');
  });

  it('sums holdings and cash in the base currency', () => {
    const total = totalValueOf([{ quantity: '2', price: '100', tradingCurrency: 'GBP' }], [{ amount: '50', currency: 'USD' }], 'USD', fx);
    expect(total.toFixed()).toBe('300');
  });
});

describe('rules', () => {
  it('generates the same demo history every time, one close per day at 21:00 UTC', () => {
    const times = demoTimes(3, new Date('2026-11-20T22:00:00Z'));
    expect(times.map((time) => time.toISOString())).toEqual(['2026-11-18T21:00:00.000Z', '2026-11-19T21:00:00.000Z', '2026-11-20T21:00:00.000Z']);
    expect(demoSeries('AAPL', '190.00', times, { volatility: 0.02 })).toEqual(demoSeries('AAPL', '190.00', times, { volatility: 0.02 }));
  });

  it('refuses an empty range and one with too many candles', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(codeOf(() => assertCandleRange('ONE_DAY', from, from))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => assertCandleRange('ONE_MINUTE', from, new Date('2026-02-01T00:00:00Z')))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => assertCandleRange('ONE_DAY', from, new Date('2026-02-01T00:00:00Z')))).toBeNull();
  });

  it('lets administrators and market:write keys ingest, nobody else', () => {
    expect(codeOf(() => assertMayIngest(null))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => assertMayIngest({ userId: 'u', role: 'USER' }))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayIngest({ userId: 'u', role: 'ADMIN' }))).toBeNull();
    expect(codeOf(() => assertMayIngest({ userId: 'u', role: 'USER', scopes: ['market:write'] }))).toBeNull();
    expect(codeOf(() => assertMayIngest({ userId: 'u', role: 'ADMIN', scopes: ['portfolio:read'] }))).toBe('FORBIDDEN');
  });
});
