import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { xirr } from '../src/domain/xirr.ts';

const at = (iso: string) => new Date(`${iso}T00:00:00Z`);

// The worked example of the spreadsheet XIRR function (Excel's documentation): 37.34% a year.
const TEXTBOOK = [
  { time: at('2008-01-01'), amount: '-10000' },
  { time: at('2008-03-01'), amount: '2750' },
  { time: at('2008-10-30'), amount: '4250' },
  { time: at('2009-02-15'), amount: '3250' },
  { time: at('2009-04-01'), amount: '2750' },
];

const npv = (flows: typeof TEXTBOOK, rate: number) =>
  flows.reduce((sum, flow) => sum + Number(flow.amount) / (1 + rate) ** ((flow.time.getTime() - flows[0]!.time.getTime()) / 86_400_000 / 365), 0);

describe('xirr', () => {
  it('solves the textbook example to 0.373362535', () => {
    const rate = xirr(TEXTBOOK);
    expect(rate).toBeCloseTo(0.373362535, 8);
    expect(Math.abs(npv(TEXTBOOK, rate!))).toBeLessThan(1e-6);
  });

  it('finds the same root by bisection alone (the fallback when Newton fails)', () => {
    expect(xirr(TEXTBOOK, { maxNewtonIterations: 0 })).toBeCloseTo(0.373362535, 8);
  });

  it('falls back to bisection when Newton starts where it diverges', () => {
    // From 10 (1000% a year) the curve is nearly flat: the first Newton step lands at -55.8,
    // outside (-1, inf), so the answer can only come from the bisection.
    expect(xirr(TEXTBOOK, { guess: 10 })).toBeCloseTo(0.373362535, 8);
  });

  it('answers -50% for half the money back after one year', () => {
    expect(
      xirr([
        { time: at('2025-01-01'), amount: '-100' },
        { time: at('2026-01-01'), amount: '50' },
      ]),
    ).toBeCloseTo(-0.5, 10);
  });

  it('answers null when every flow has the same sign', () => {
    expect(
      xirr([
        { time: at('2025-01-01'), amount: '100' },
        { time: at('2026-01-01'), amount: '100' },
      ]),
    ).toBeNull();
  });

  it('answers null when the flows change sign but the present value never reaches zero', () => {
    // 100 - 300 v^0.5 + 250 v with x = v^0.5: 250x^2 - 300x + 100 has discriminant 90000 - 100000 < 0.
    const flows = [
      { time: at('2025-01-01'), amount: '100' },
      { time: new Date(at('2025-01-01').getTime() + 182.5 * 86_400_000), amount: '-300' },
      { time: at('2026-01-01'), amount: '250' },
    ];
    expect(xirr(flows)).toBeNull();
  });

  it('answers null for fewer than two flows or only zeros', () => {
    expect(xirr([{ time: at('2025-01-01'), amount: '-100' }])).toBeNull();
    expect(
      xirr([
        { time: at('2025-01-01'), amount: '0' },
        { time: at('2026-01-01'), amount: new Decimal(0) },
      ]),
    ).toBeNull();
  });

  it('expresses the rate over another period length when asked', () => {
    // 10% over 3 days: per 3-day period the rate is exactly 10%, however large it is a year.
    const flows = [
      { time: at('2025-01-01'), amount: '-1000' },
      { time: at('2025-01-04'), amount: '1100' },
    ];
    expect(xirr(flows, { periodDays: 3 })).toBeCloseTo(0.1, 10);
  });

  it('keeps full precision on amounts too large for a float to hold exactly', () => {
    const flows = [
      { time: at('2025-01-01'), amount: '-123456789012345678.12' },
      { time: at('2026-01-01'), amount: '135802467913580245.932' },
    ];
    expect(xirr(flows)).toBeCloseTo(0.1, 10);
  });
});
