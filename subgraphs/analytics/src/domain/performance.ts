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

interface WindowAnalysis {
  /** r_i per point (null for the base and after a zero value). */
  links: (Decimal | null)[];
  /** Growth index per point. */
  index: Decimal[];
}

// performance, performanceSeries and riskMetrics of one request read the same points array (one
// DataLoader answer): each decimal is parsed and each link computed once per request.
const analyses = new WeakMap<WindowPoints, WindowAnalysis>();

function analyse(points: WindowPoints): WindowAnalysis {
  const known = analyses.get(points);
  if (known) return known;
  const values = points.map((point) => new Decimal(point.totalValue));
  const links: (Decimal | null)[] = [];
  const index: Decimal[] = [];
  let growth = new Decimal(1);
  for (let i = 0; i < points.length; i++) {
    // r_i = (V_i - V_{i-1} - F_i) / V_{i-1}; a zero previous value has no return.
    const previous = i > 0 ? values[i - 1]! : null;
    const link = previous && !previous.isZero() ? values[i]!.minus(previous).minus(points[i]!.netFlow).dividedBy(previous) : null;
    if (link) growth = growth.times(link.plus(1));
    links.push(link);
    index.push(growth);
  }
  const analysis = { links, index };
  analyses.set(points, analysis);
  return analysis;
}

/** The links of the chain; a zero previous value has no return and its link is skipped. */
export function periodReturns(points: WindowPoints): PeriodReturn[] {
  return analyse(points).links.flatMap((value, i) => (value ? [{ time: points[i]!.time, value }] : []));
}

/**
 * The growth of one unit invested at the first point, per point: 1 at the base, then each link's
 * (1 + r) multiplied in. index_i - 1 is the time-weighted return from the base to point i.
 */
export function growthIndex(points: WindowPoints): Decimal[] {
  return analyse(points).index;
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
