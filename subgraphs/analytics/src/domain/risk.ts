/** Trading days in a year: daily statistics are annualised with it (sqrt(252) for volatility). */
export const TRADING_DAYS_PER_YEAR = 252;

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Sample standard deviation (divided by n - 1); null for fewer than two values. */
export function sampleStdev(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

/** stdev(daily returns) x sqrt(252); null for fewer than two returns. */
export function annualisedVolatility(dailyReturns: readonly number[]): number | null {
  const stdev = sampleStdev(dailyReturns);
  return stdev === null ? null : stdev * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/**
 * The largest fall from a running peak of a growth index, as a positive fraction:
 * max over t of (peak_t - index_t) / peak_t. 0 when the index never falls; null for fewer than
 * two points. Use the time-weighted growth index, so deposits and withdrawals are not drawdowns.
 */
export function maxDrawdown(index: readonly number[]): number | null {
  if (index.length < 2) return null;
  let peak = index[0]!;
  let worst = 0;
  for (const value of index) {
    if (value > peak) peak = value;
    if (peak > 0) worst = Math.max(worst, (peak - value) / peak);
  }
  return worst;
}

/**
 * (mean daily return x 252 - riskFreeRate) / annualised volatility, riskFreeRate an annual
 * fraction. Null without a volatility or when it is 0.
 */
export function sharpeRatio(dailyReturns: readonly number[], riskFreeRate: number): number | null {
  const volatility = annualisedVolatility(dailyReturns);
  if (volatility === null || volatility === 0) return null;
  return (mean(dailyReturns) * TRADING_DAYS_PER_YEAR - riskFreeRate) / volatility;
}

/**
 * cov(portfolio, benchmark) / var(benchmark) over paired returns of the same periods (sample
 * moments, the n - 1 cancels). Null for fewer than two pairs or a benchmark that never moved.
 */
export function beta(pairs: readonly { portfolio: number; benchmark: number }[]): number | null {
  if (pairs.length < 2) return null;
  const mp = mean(pairs.map((pair) => pair.portfolio));
  const mb = mean(pairs.map((pair) => pair.benchmark));
  let covariance = 0;
  let variance = 0;
  for (const pair of pairs) {
    covariance += (pair.portfolio - mp) * (pair.benchmark - mb);
    variance += (pair.benchmark - mb) ** 2;
  }
  return variance === 0 ? null : covariance / variance;
}
