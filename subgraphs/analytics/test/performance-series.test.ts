import { describe, expect, it } from 'vitest';
import { createBenchmarkSeries } from '../src/domain/benchmark.ts';
import { growthIndex } from '../src/domain/performance.ts';
import { performanceWindow } from '../src/domain/performance-range.ts';
import { bucketOf, performanceSeries } from '../src/domain/performance-series.ts';

const point = (day: string, totalValue: string, netFlow = '0') => ({ time: new Date(`${day}T23:59:59Z`), totalValue, currency: 'USD', netFlow });

describe('performance windows', () => {
  const now = new Date('2026-03-31T10:00:00Z');
  it('ends every range now and starts it a fixed or calendar distance back', () => {
    const start = (range: Parameters<typeof performanceWindow>[0]) => performanceWindow(range, now).start?.toISOString() ?? null;
    expect(start('ONE_DAY')).toBe('2026-03-30T10:00:00.000Z');
    expect(start('ONE_WEEK')).toBe('2026-03-24T10:00:00.000Z');
    expect(start('ONE_MONTH')).toBe('2026-02-28T10:00:00.000Z'); // 31 March - 1 month: the last day of February
    expect(start('THREE_MONTHS')).toBe('2025-12-31T10:00:00.000Z');
    expect(start('YEAR_TO_DATE')).toBe('2026-01-01T00:00:00.000Z');
    expect(start('ONE_YEAR')).toBe('2025-03-31T10:00:00.000Z');
    expect(start('FIVE_YEARS')).toBe('2021-03-31T10:00:00.000Z');
    expect(start('MAX')).toBeNull();
    expect(performanceWindow('MAX', now).end).toEqual(now);
  });
});

describe('performanceSeries', () => {
  // Wed 7 Jan .. Tue 13 Jan 2026, a 100 deposit on Monday the 12th.
  const points = [
    point('2026-01-07', '1000'),
    point('2026-01-08', '1010'),
    point('2026-01-09', '1020'),
    point('2026-01-12', '1122', '100'), // (1122 - 1020 - 100) / 1020
    point('2026-01-13', '1144.44'), // +2%
  ];
  const spy = createBenchmarkSeries('SPY', [
    { day: '2026-01-07', close: '400' },
    { day: '2026-01-09', close: '404' },
    { day: '2026-01-12', close: '408' },
  ]);

  it('puts ISO weeks on Mondays and months on their first day', () => {
    expect(bucketOf(new Date('2026-01-11T23:59:59Z'), 'WEEK')).toBe('2026-01-05');
    expect(bucketOf(new Date('2026-01-12T00:00:00Z'), 'WEEK')).toBe('2026-01-12');
    expect(bucketOf(new Date('2026-01-12T00:00:00Z'), 'MONTH')).toBe('2026-01');
  });

  it('gives cumulative time-weighted returns per day, with the benchmark over the same days', () => {
    const series = performanceSeries(points, growthIndex(points), 'DAY', spy);
    expect(series.map((p) => p.time.toISOString().slice(0, 10))).toEqual(['2026-01-07', '2026-01-08', '2026-01-09', '2026-01-12', '2026-01-13']);
    expect(series[0]).toMatchObject({ portfolioReturn: 0, benchmarkReturn: 0 });
    expect(series[2]!.portfolioReturn).toBeCloseTo(0.02, 12);
    // The deposit is not return: 1.02 x (1 + 2/1020) - 1 = 0.022
    expect(series[3]!.portfolioReturn).toBeCloseTo(0.022, 12);
    expect(series[4]!.portfolioReturn).toBeCloseTo(1.022 * 1.02 - 1, 12);
    expect(series.map((p) => p.benchmarkReturn)).toEqual([0, 0, 0.01, 0.02, 0.02]); // the 8th and 13th use the day before's close
  });

  it('keeps the base point and the last point of each ISO week', () => {
    const series = performanceSeries(points, growthIndex(points), 'WEEK', null);
    expect(series.map((p) => p.time.toISOString().slice(0, 10))).toEqual(['2026-01-07', '2026-01-09', '2026-01-13']);
    expect(series[2]!.portfolioReturn).toBeCloseTo(1.022 * 1.02 - 1, 12);
    expect(series.every((p) => p.benchmarkReturn === null)).toBe(true);
  });

  it('is empty without points', () => {
    expect(performanceSeries([], [], 'MONTH', spy)).toEqual([]);
  });
});
