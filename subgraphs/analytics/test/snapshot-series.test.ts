import { describe, expect, it } from 'vitest';
import { withReturns } from '../src/domain/snapshot-series.ts';

const point = (day: number, totalValue: string, netFlow = '0') => ({ time: new Date(Date.UTC(2026, 0, day)), totalValue, currency: 'USD', netFlow });

describe('withReturns', () => {
  it('does not count a deposit as return', () => {
    const series = withReturns([point(1, '50000'), point(2, '100000', '50000')]);
    expect(series.map((p) => [p.dayChangePercent, p.totalReturnPercent])).toEqual([
      [null, 0],
      [0, 0],
    ]);
  });

  it('links daily changes into a time-weighted return around flows', () => {
    // +10% on day 2, a 1000 withdrawal on day 3 with -5% market move: 1100 -> 1045 - 1000 = 45.
    const series = withReturns([point(1, '1000'), point(2, '1100'), point(3, '45', '-1000')]);
    expect(series.map((p) => p.dayChangePercent)).toEqual([null, 10, -5]);
    expect(series[2]?.totalReturnPercent).toBe(4.5); // 1.10 x 0.95 - 1
  });

  it('leaves the change null after a zero value instead of dividing by it', () => {
    const series = withReturns([point(1, '0'), point(2, '500', '500')]);
    expect(series[1]?.dayChangePercent).toBeNull();
  });
});
