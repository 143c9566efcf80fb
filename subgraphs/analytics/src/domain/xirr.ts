import { Decimal } from 'decimal.js';

/** One dated cash flow from the investor's side: money put in is negative, money taken out (or held at the end) positive. */
export interface CashFlow {
  time: Date;
  amount: Decimal.Value;
}

export interface XirrOptions {
  /** Where Newton's method starts. Default 0.1 (10% a year). */
  guess?: number;
  /** Newton steps before giving up and bisecting. Default 50; 0 goes straight to bisection. */
  maxNewtonIterations?: number;
  /** Stop when a step (or the bracket) is narrower than this. Default 1e-12. */
  tolerance?: number;
  /**
   * The length of the rate's period in days. Default 365: the annual XIRR. A window's own length
   * gives the rate over the window, (1 + annual)^(days / 365) - 1, without passing through an
   * annual rate that short windows blow up (10% in 3 days is 1.5e9 a year).
   */
  periodDays?: number;
}

const DAY_MS = 86_400_000;
/** XIRR's convention: exponents are actual days over 365. */
export const XIRR_DAYS_PER_YEAR = 365;
const LOWEST_RATE = -1 + 1e-9;
const HIGHEST_RATE = 1e9;

/**
 * The annual rate r with sum(CF_i / (1 + r)^((t_i - t_0) / 365)) = 0, the spreadsheet XIRR
 * (per `periodDays` instead of 365 when given).
 * Newton's method from `guess`; when it diverges, leaves (-1, inf) or does not settle, bisection
 * on a bracket where the net present value changes sign. Null when there is no root: fewer than
 * two flows, flows all of one sign, or no sign change anywhere in (-1, 1e9).
 *
 * Amounts are divided, in decimals, by the largest absolute flow, so the solver works on
 * dimensionless ratios (floats) and never on amounts.
 */
export function xirr(flows: readonly CashFlow[], options: XirrOptions = {}): number | null {
  if (flows.length < 2) return null;
  const t0 = Math.min(...flows.map((flow) => flow.time.getTime()));
  const amounts = flows.map((flow) => new Decimal(flow.amount));
  const scale = Decimal.max(...amounts.map((amount) => amount.abs()));
  if (scale.isZero()) return null;
  const terms = flows.map((flow, i) => ({
    weight: amounts[i]!.dividedBy(scale).toNumber(),
    years: (flow.time.getTime() - t0) / DAY_MS / (options.periodDays ?? XIRR_DAYS_PER_YEAR),
  }));
  if (!terms.some((term) => term.weight > 0) || !terms.some((term) => term.weight < 0)) return null;

  const npv = (rate: number) => terms.reduce((sum, term) => sum + term.weight / (1 + rate) ** term.years, 0);
  const slope = (rate: number) => terms.reduce((sum, term) => sum - (term.years * term.weight) / (1 + rate) ** (term.years + 1), 0);
  const tolerance = options.tolerance ?? 1e-12;

  let rate = options.guess ?? 0.1;
  for (let i = 0; i < (options.maxNewtonIterations ?? 50); i++) {
    const derivative = slope(rate);
    if (!Number.isFinite(derivative) || derivative === 0) break;
    const next = rate - npv(rate) / derivative;
    if (!Number.isFinite(next) || next <= -1) break;
    if (Math.abs(next - rate) < tolerance) return next;
    rate = next;
  }
  return bisect(npv, tolerance);
}

/** Finds a sign change of `f` scanning outwards from 0, then halves the bracket; null when none exists. */
function bisect(f: (rate: number) => number, tolerance: number): number | null {
  const grid = [LOWEST_RATE, -0.99, -0.9, -0.5, 0];
  for (let high = 0.5; high <= HIGHEST_RATE; high *= 2) grid.push(high);
  for (let i = 1; i < grid.length; i++) {
    const a = f(grid[i - 1]!);
    const b = f(grid[i]!);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    if (a === 0) return grid[i - 1]!;
    if (Math.sign(a) !== Math.sign(b)) return halve(f, grid[i - 1]!, grid[i]!, tolerance);
  }
  return null;
}

function halve(f: (rate: number) => number, low: number, high: number, tolerance: number): number {
  let lo = low;
  let hi = high;
  let fLo = f(lo);
  for (let i = 0; i < 200 && hi - lo > tolerance; i++) {
    const mid = (lo + hi) / 2;
    const fMid = f(mid);
    if (fMid === 0) return mid;
    if (Math.sign(fMid) === Math.sign(fLo)) {
      lo = mid;
      fLo = fMid;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}
