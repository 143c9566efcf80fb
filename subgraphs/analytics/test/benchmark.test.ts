import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { alignedReturns, benchmarkDays, benchmarkReturn, closeAsOf, createBenchmarkSeries } from '../src/domain/benchmark.ts';
import { performanceWindow } from '../src/domain/performance-range.ts';

// Fri 2026-01-02 .. Fri 2026-01-09: no closes on the weekend.
const SPY = createBenchmarkSeries('SPY', [
  { day: '2026-01-02', close: '500' },
  { day: '2026-01-05', close: '510' },
  { day: '2026-01-06', close: '505' },
  { day: '2026-01-07', close: '520' },
  { day: '2026-01-09', close: '525' },
]);

const at = (day: string) => new Date(`${day}T23:59:59Z`);

describe('benchmark closes', () => {
  it('uses the close of the day, else the latest of the seven days before', () => {
    expect(closeAsOf(SPY, '2026-01-05')?.toString()).toBe('510');
    expect(closeAsOf(SPY, '2026-01-04')?.toString()).toBe('500'); // Sunday: Friday's close
    expect(closeAsOf(SPY, '2026-01-01')).toBeNull(); // before the first close
    expect(closeAsOf(SPY, '2026-01-17')).toBeNull(); // eight days after the last close
  });

  it('measures the return between two days: 525 / 500 - 1 = 5%', () => {
    expect(benchmarkReturn(SPY, '2026-01-02', '2026-01-09')).toBeCloseTo(0.05, 12);
    expect(benchmarkReturn(SPY, '2025-12-01', '2026-01-09')).toBeNull();
  });

  it('pairs returns only on days where both the portfolio and the benchmark have a value', () => {
    // Portfolio points on Fri, Sat, Mon, Thu (no benchmark close on Thu 8th) and Fri 9th.
    const points = ['2026-01-02', '2026-01-03', '2026-01-05', '2026-01-08', '2026-01-09'].map((day) => ({ time: at(day) }));
    const index = ['1', '1.01', '1.02', '1.03', '1.071'].map((growth) => new Decimal(growth));
    const pairs = alignedReturns(points, index, SPY);
    // Kept days: 2nd, 5th, 9th. Portfolio 1.02/1 - 1 and 1.071/1.02 - 1; benchmark 510/500 - 1 and 525/510 - 1.
    expect(pairs).toHaveLength(2);
    expect(pairs[0]!.portfolio).toBeCloseTo(0.02, 12);
    expect(pairs[0]!.benchmark).toBeCloseTo(0.02, 12);
    expect(pairs[1]!.portfolio).toBeCloseTo(0.05, 12);
    expect(pairs[1]!.benchmark).toBeCloseTo(15 / 510, 12);
  });

  it("measures the benchmark on the portfolio's first and last days, or on the window's without two points", () => {
    const window = performanceWindow('ONE_WEEK', new Date('2026-01-10T12:00:00Z'));
    expect(benchmarkDays([{ time: at('2026-01-05') }, { time: at('2026-01-09') }], window)).toEqual({ fromDay: '2026-01-05', toDay: '2026-01-09' });
    expect(benchmarkDays([], window)).toEqual({ fromDay: '2026-01-03', toDay: '2026-01-10' });
    expect(benchmarkDays([], performanceWindow('MAX', new Date('2026-01-10T12:00:00Z')))).toBeNull();
  });
});
