import { Decimal } from 'decimal.js';
import { badInput } from '@nexanest/graphql';

export type SnapshotInterval = 'DAY' | 'WEEK' | 'MONTH';

/** A stored snapshot: the amount stays an exact decimal string. */
export interface SnapshotPoint {
  time: Date;
  totalValue: string;
  currency: string;
  /** Deposits minus withdrawals since the previous point, included in totalValue. */
  netFlow: string;
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

const toPercent = (ratio: Decimal): number => ratio.times(100).toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN).toNumber();

/**
 * Adds to a series ordered oldest first:
 * - dayChangePercent: the change over the previous point with that period's deposits and
 *   withdrawals taken out, (V - V_prev - flow) / V_prev;
 * - totalReturnPercent: the time-weighted return since the first point, those changes linked,
 *   so money paid in or out is never counted as return.
 * Computed in decimals; only the final ratios become floats. A zero previous value breaks the
 * chain: the change is null and the link is skipped.
 */
export function withReturns(points: readonly SnapshotPoint[]): SnapshotSeriesPoint[] {
  let previous: Decimal | null = null;
  let growth = new Decimal(1);
  return points.map((point, index) => {
    const value = new Decimal(point.totalValue);
    let change: Decimal | null = null;
    if (previous && !previous.isZero()) {
      change = value.minus(previous).minus(point.netFlow).dividedBy(previous);
      growth = growth.times(change.plus(1));
    }
    previous = value;
    return {
      ...point,
      dayChangePercent: change ? toPercent(change) : null,
      totalReturnPercent: index === 0 ? 0 : toPercent(growth.minus(1)),
    };
  });
}
