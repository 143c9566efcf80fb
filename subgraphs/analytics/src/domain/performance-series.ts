import type { Decimal } from 'decimal.js';
import { type BenchmarkSeries, benchmarkReturn } from './benchmark.ts';
import { utcDay } from './performance-range.ts';
import type { SnapshotInterval } from './snapshot-series.ts';

export interface PerformancePoint {
  time: Date;
  /** Time-weighted return since the window's first point: growth index - 1. */
  portfolioReturn: number;
  /** The benchmark's return over the same days, in the base currency; null without its closes. */
  benchmarkReturn: number | null;
}

/** The bucket of an instant: its UTC day, the Monday of its ISO week, or its month. */
export function bucketOf(time: Date, interval: SnapshotInterval): string {
  if (interval === 'DAY') return utcDay(time);
  if (interval === 'MONTH') return utcDay(time).slice(0, 7);
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return utcDay(day);
}

/**
 * Cumulative returns since the window's first point: that point (0, 0), then the last point of
 * each day, ISO week or month. Returns are computed on the daily points before thinning, so
 * flows inside a week or month are handled exactly as in the daily series.
 */
export function performanceSeries(
  points: readonly { time: Date }[],
  index: readonly Decimal[],
  interval: SnapshotInterval,
  benchmark: BenchmarkSeries | null,
): PerformancePoint[] {
  if (points.length === 0) return [];
  const baseDay = utcDay(points[0]!.time);
  const toPoint = (i: number): PerformancePoint => ({
    time: points[i]!.time,
    portfolioReturn: index[i]!.minus(1).toNumber(),
    benchmarkReturn: benchmark ? benchmarkReturn(benchmark, baseDay, utcDay(points[i]!.time)) : null,
  });
  const series = [toPoint(0)];
  for (let i = 1; i < points.length; i++) {
    const last = i === points.length - 1 || bucketOf(points[i + 1]!.time, interval) !== bucketOf(points[i]!.time, interval);
    if (last) series.push(toPoint(i));
  }
  return series;
}
