import { Decimal } from 'decimal.js';
import { utcDay } from './performance-range.ts';

/** Daily closes of the benchmark, already in the portfolio's base currency, by UTC day. */
export interface BenchmarkSeries {
  symbol: string;
  /** Sorted YYYY-MM-DD days with a close. */
  days: string[];
  closes: Map<string, Decimal>;
}

/** How far back a missing day's close is looked for (weekends, holidays). */
export const CLOSE_LOOKBACK_DAYS = 7;

export function createBenchmarkSeries(symbol: string, closes: readonly { day: string; close: Decimal.Value }[]): BenchmarkSeries {
  const map = new Map(closes.map((entry) => [entry.day, new Decimal(entry.close)]));
  return { symbol, days: [...map.keys()].sort(), closes: map };
}

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** The close on `day`, else the latest close in the CLOSE_LOOKBACK_DAYS before it; null when there is none. */
export function closeAsOf(series: BenchmarkSeries, day: string): Decimal | null {
  let lo = 0;
  let hi = series.days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (series.days[mid]! <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return null;
  const closeDay = series.days[found]!;
  if (dayNumber(day) - dayNumber(closeDay) > CLOSE_LOOKBACK_DAYS) return null;
  return series.closes.get(closeDay) ?? null;
}

/** close(to) / close(from) - 1, each as of its day; null when either close is missing or the first is 0. */
export function benchmarkReturn(series: BenchmarkSeries, fromDay: string, toDay: string): number | null {
  const start = closeAsOf(series, fromDay);
  const end = closeAsOf(series, toDay);
  if (!start || !end || start.isZero()) return null;
  return end.dividedBy(start).minus(1).toNumber();
}

/**
 * Paired returns for beta, on aligned dates: only the days on which the portfolio has a point
 * AND the benchmark has its own close (no carried-forward close) are kept; between consecutive
 * kept days the portfolio's return is its growth index ratio (its daily links over those days)
 * and the benchmark's is the ratio of its closes.
 */
export function alignedReturns(points: readonly { time: Date }[], index: readonly Decimal[], series: BenchmarkSeries) {
  const kept: { day: string; growth: Decimal; close: Decimal }[] = [];
  points.forEach((point, i) => {
    const day = utcDay(point.time);
    const close = series.closes.get(day);
    if (!close || close.isZero() || index[i]!.isZero()) return;
    // Two points on one day: the later one stands for the day.
    if (kept.at(-1)?.day === day) kept.pop();
    kept.push({ day, growth: index[i]!, close });
  });
  const pairs: { portfolio: number; benchmark: number }[] = [];
  for (let i = 1; i < kept.length; i++) {
    pairs.push({
      portfolio: kept[i]!.growth.dividedBy(kept[i - 1]!.growth)
        .minus(1)
        .toNumber(),
      benchmark: kept[i]!.close.dividedBy(kept[i - 1]!.close)
        .minus(1)
        .toNumber(),
    });
  }
  return pairs;
}

/**
 * The days the benchmark is measured between: those of the portfolio's first and last points, so
 * both returns cover the same period; without two points, the window's own start and end days
 * (none for MAX, which has no start without a snapshot).
 */
export function benchmarkDays(points: readonly { time: Date }[], window: { start: Date | null; end: Date }): { fromDay: string; toDay: string } | null {
  if (points.length >= 2) return { fromDay: utcDay(points[0]!.time), toDay: utcDay(points[points.length - 1]!.time) };
  return window.start ? { fromDay: utcDay(window.start), toDay: utcDay(window.end) } : null;
}

/** The first day whose close may stand in for `day` (see closeAsOf). */
export const lookbackStart = (day: string): string => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - CLOSE_LOOKBACK_DAYS * 86_400_000));
