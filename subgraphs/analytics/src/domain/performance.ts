import { Decimal } from 'decimal.js';
import type { SnapshotPoint } from './snapshot-series.ts';
import { type CashFlow, xirr } from './xirr.ts';

/**
 * A measurement window's points, oldest first: the first is the base (the value at the start
 * of the window), each later point carries the deposits minus withdrawals since the previous one
 * (netFlow, already included in its totalValue, treated as arriving at the point's time).
 */
export type WindowPoints = readonly SnapshotPoint[];

/** One link of the daily chain: (V_i - V_{i-1} - F_i) / V_{i-1}. */
export interface PeriodReturn {
  time: Date;
  value: Decimal;
}

/** (V_i - V_{i-1} - F_i) / V_{i-1}; null after a zero value, which has no return. */
function linkReturn(previous: SnapshotPoint, point: SnapshotPoint): Decimal | null {
  const before = new Decimal(previous.totalValue);
  if (before.isZero()) return null;
  return new Decimal(point.totalValue).minus(before).minus(point.netFlow).dividedBy(before);
}

/** The links of the chain; a zero previous value has no return and its link is skipped. */
export function periodReturns(points: WindowPoints): PeriodReturn[] {
  const links: PeriodReturn[] = [];
  for (let i = 1; i < points.length; i++) {
    const value = linkReturn(points[i - 1]!, points[i]!);
    if (value) links.push({ time: points[i]!.time, value });
  }
  return links;
}

/**
 * The growth of one unit invested at the first point, per point: 1 at the base, then each link's
 * (1 + r) multiplied in. index_i - 1 is the time-weighted return from the base to point i.
 */
export function growthIndex(points: WindowPoints): Decimal[] {
  let growth = new Decimal(1);
  return points.map((point, i) => {
    const link = i > 0 ? linkReturn(points[i - 1]!, point) : null;
    if (link) growth = growth.times(link.plus(1));
    return growth;
  });
}

export interface Performance {
  startValue: Decimal;
  endValue: Decimal;
  currency: string;
  /** Deposits minus withdrawals after the base point, up to and including the last point. */
  netFlows: Decimal;
  simpleReturn: number | null;
  timeWeightedReturn: number | null;
  moneyWeightedReturn: number | null;
}

const DAY_MS = 86_400_000;

/**
 * The investor's cash flows for XIRR: the start value paid in at the base, each later deposit
 * paid in (negative) and withdrawal taken out (positive) at its point, the end value taken out
 * at the last point.
 */
export function investorCashFlows(points: WindowPoints): CashFlow[] {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const flows: CashFlow[] = [{ time: first.time, amount: new Decimal(first.totalValue).negated() }];
  for (const point of points.slice(1)) if (!new Decimal(point.netFlow).isZero()) flows.push({ time: point.time, amount: new Decimal(point.netFlow).negated() });
  flows.push({ time: last.time, amount: new Decimal(last.totalValue) });
  return flows;
}

/**
 * Returns over a window (see docs/analytics.md), null when there is nothing to measure (fewer
 * than two points):
 * - simple: (end - start - net flows) / start; null when start is 0;
 * - time-weighted: the daily links multiplied, minus 1, so flows never count as return;
 * - money-weighted: the XIRR of the investor's cash flows expressed over the window's length,
 *   (1 + xirr)^(days / 365) - 1 (solved directly per window), so it compares with the other
 *   two; null when XIRR has no root.
 */
export function measurePerformance(points: WindowPoints): Performance | null {
  if (points.length === 0) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const startValue = new Decimal(first.totalValue);
  const endValue = new Decimal(last.totalValue);
  const netFlows = points.slice(1).reduce((sum, point) => sum.plus(point.netFlow), new Decimal(0));
  const base = { startValue, endValue, currency: last.currency, netFlows };
  if (points.length < 2) return { ...base, simpleReturn: null, timeWeightedReturn: null, moneyWeightedReturn: null };

  const simpleReturn = startValue.isZero() ? null : endValue.minus(startValue).minus(netFlows).dividedBy(startValue).toNumber();
  const index = growthIndex(points);
  const timeWeightedReturn = index[index.length - 1]!.minus(1).toNumber();
  const days = (last.time.getTime() - first.time.getTime()) / DAY_MS;
  const moneyWeightedReturn = days > 0 ? xirr(investorCashFlows(points), { periodDays: days }) : null;
  return { ...base, simpleReturn, timeWeightedReturn, moneyWeightedReturn };
}
