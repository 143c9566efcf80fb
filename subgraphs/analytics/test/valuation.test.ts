import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { firstDifferentDay } from '../src/builder/digests.ts';
import { ValuationError, valueDays, type LedgerEntry, type MarketHistory } from '../src/builder/valuation.ts';
import { createBenchmarkSeries } from '../src/domain/benchmark.ts';

const entry = (day: string, type: string, amount: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: `${day}-${type}`,
  type,
  symbol: null,
  quantity: null,
  amount,
  currency: 'USD',
  executedAt: `${day}T12:00:00.000Z`,
  ...extra,
});

const market = (closes: Record<string, [string, string][]>, rates: Record<string, Record<string, string>> = {}): MarketHistory => ({
  closes: new Map(
    Object.entries(closes).map(([symbol, list]) => [
      symbol,
      {
        currency: 'USD',
        series: createBenchmarkSeries(
          symbol,
          list.map(([day, close]) => ({ day, close })),
        ),
      },
    ]),
  ),
  rate: (currency, day) => (rates[currency]?.[day] ? new Decimal(rates[currency][day]) : null),
});

const figures = (values: ReturnType<typeof valueDays>) => values.map((v) => [v.day, v.totalValue.toFixed(), v.netFlow.toFixed()]);

describe('valueDays', () => {
  it('replays buys, a sale, a 2:1 split and a withdrawal; a weekend uses Friday close', () => {
    // 2026-01-02 is a Friday: Saturday and Sunday carry its close.
    const ledger = [
      entry('2026-01-01', 'DEPOSIT', '1000'),
      entry('2026-01-01', 'BUY', '-500', { symbol: 'X', quantity: '10' }),
      entry('2026-01-02', 'SELL', '240', { symbol: 'X', quantity: '4' }),
      entry('2026-01-03', 'SPLIT', '0', { symbol: 'X', quantity: '2' }),
      entry('2026-01-04', 'WITHDRAWAL', '-100'),
    ];
    const prices = market({
      X: [
        ['2026-01-01', '50'],
        ['2026-01-02', '60'],
      ],
    });
    // 500 cash + 10 x 50; 740 cash + 6 x 60; 740 + 12 x 60 (Friday's close carried); 640 cash + 12 x 60
    expect(figures(valueDays(ledger, 'USD', prices, '2026-01-01', '2026-01-04'))).toEqual([
      ['2026-01-01', '1000', '1000'],
      ['2026-01-02', '1100', '0'],
      ['2026-01-03', '1460', '0'],
      ['2026-01-04', '1360', '-100'],
    ]);
  });

  it('values only from fromDay on, replaying everything before it', () => {
    const ledger = [entry('2026-01-01', 'DEPOSIT', '1000'), entry('2026-01-03', 'DEPOSIT', '5')];
    expect(figures(valueDays(ledger, 'USD', market({}), '2026-01-02', '2026-01-03'))).toEqual([
      ['2026-01-02', '1000', '0'],
      ['2026-01-03', '1005', '5'],
    ]);
  });

  it('converts at the day rate and refuses a day without one, or without a price', () => {
    const ledger = [entry('2026-01-01', 'DEPOSIT', '100')];
    expect(figures(valueDays(ledger, 'EUR', market({}, { USD: { '2026-01-01': '0.9' } }), '2026-01-01', '2026-01-01'))).toEqual([['2026-01-01', '90', '90']]);
    expect(() => valueDays(ledger, 'EUR', market({}, { USD: { '2026-01-01': '0.9' } }), '2026-01-01', '2026-01-02')).toThrow(ValuationError);
    const held = [...ledger, entry('2026-01-01', 'BUY', '-10', { symbol: 'Y', quantity: '1' })];
    expect(() => valueDays(held, 'USD', market({}), '2026-01-01', '2026-01-01')).toThrow(/no close for Y on 2026-01-01/);
  });
});

describe('firstDifferentDay', () => {
  it('finds the first day added, removed or changed', () => {
    expect(firstDifferentDay({ a: '1', b: '2' }, { a: '1', b: '2' })).toBeNull();
    expect(firstDifferentDay({ '2026-01-02': 'x', '2026-01-05': 'y' }, { '2026-01-02': 'x', '2026-01-03': 'z', '2026-01-05': 'y' })).toBe('2026-01-03');
    expect(firstDifferentDay({ '2026-01-02': 'x', '2026-01-05': 'y' }, { '2026-01-05': 'y' })).toBe('2026-01-02');
    expect(firstDifferentDay({ '2026-01-02': 'x' }, { '2026-01-02': 'w' })).toBe('2026-01-02');
  });
});
