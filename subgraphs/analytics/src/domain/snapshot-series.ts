import { Decimal } from 'decimal.js';
import { badInput } from '@nexanest/graphql';

export type SnapshotInterval = 'DAY' | 'WEEK' | 'MONTH';

/** A stored snapshot: the amount stays an exact decimal string. */
export interface SnapshotPoint {
  time: Date;
  totalValue: string;
  currency: string;
}

export interface SnapshotSeriesPoint extends SnapshotPoint {
  dayChangePercent: number | null;
  totalReturnPercent: number | null;
}

/** Longest range one request may read; longer requests are shortened to the latest five years. */
export const MAX_RANGE_YEARS = 5;

/** Validates a requested range and caps it to the latest MAX_RANGE_YEARS before `to`. */
export function snapshotRange(from: Date, to: Date): { from: Date; to: Date } {
  if (from.getTime() >= to.getTime()) throw badInput('from must be before to', 'from');
  const earliest = new Date(to);
  earliest.setUTCFullYear(earliest.getUTCFullYear() - MAX_RANGE_YEARS);
  return { from: from < earliest ? earliest : from, to };
}

const percentChange = (value: Decimal, base: Decimal): number | null =>
  base.isZero() ? null : value.minus(base).dividedBy(base).times(100).toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN).toNumber();

/**
 * Adds the change over the previous point and the return since the first point (both in percent)
 * to a series ordered oldest first. Computed in decimals; only the final ratio becomes a float.
 */
export function withReturns(points: readonly SnapshotPoint[]): SnapshotSeriesPoint[] {
  const first = points[0] ? new Decimal(points[0].totalValue) : null;
  let previous: Decimal | null = null;
  return points.map((point) => {
    const value = new Decimal(point.totalValue);
    const result = {
      ...point,
      dayChangePercent: previous ? percentChange(value, previous) : null,
      totalReturnPercent: first ? percentChange(value, first) : null,
    };
    previous = value;
    return result;
  });
}
