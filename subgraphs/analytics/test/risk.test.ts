import { describe, expect, it } from 'vitest';
import { annualisedVolatility, beta, maxDrawdown, sampleStdev, sharpeRatio } from '../src/domain/risk.ts';

// mean 0.005; squared deviations 2.5e-5 + 2.25e-4 + 2.25e-4 + 2.5e-5 = 5e-4; / 3 -> stdev 0.0129099...
const RETURNS = [0.01, -0.01, 0.02, 0];

describe('risk metrics', () => {
  it('annualises the sample standard deviation with sqrt(252): 0.0129099 x 15.8745 = 0.204939', () => {
    expect(sampleStdev(RETURNS)).toBeCloseTo(Math.sqrt(5e-4 / 3), 12);
    expect(annualisedVolatility(RETURNS)).toBeCloseTo(0.204939015, 8);
    expect(annualisedVolatility([0.01])).toBeNull();
  });

  it('computes the Sharpe ratio against the risk-free rate: (0.005 x 252 - 0.02) / 0.204939 = 6.0506', () => {
    expect(sharpeRatio(RETURNS, 0.02)).toBeCloseTo(6.050580452, 8);
    expect(sharpeRatio([0.01, 0.01, 0.01], 0.02)).toBeNull(); // no volatility
  });

  it('measures the deepest fall from a running peak as a positive fraction: 120 -> 60 is 50%', () => {
    expect(maxDrawdown([100, 120, 90, 110, 60, 130])).toBe(0.5);
    expect(maxDrawdown([1, 1.1, 1.2])).toBe(0);
    expect(maxDrawdown([1])).toBeNull();
  });

  it('computes beta as cov / var: 17/38 for a hand-worked pair of series', () => {
    // b: 0.01, -0.02, 0.03 (mean 1/150); p: 0.02, -0.01, 0.01 (mean 1/150)
    // cov x 2 = 5.6667e-4, var x 2 = 1.26667e-3 -> 0.447368... = 17/38
    const pairs = [
      { portfolio: 0.02, benchmark: 0.01 },
      { portfolio: -0.01, benchmark: -0.02 },
      { portfolio: 0.01, benchmark: 0.03 },
    ];
    expect(beta(pairs)).toBeCloseTo(17 / 38, 10);
  });

  it('has beta 2 for a portfolio that moves twice as much as the benchmark, and null for a flat benchmark', () => {
    expect(beta([0.01, -0.03, 0.02].map((b) => ({ portfolio: 2 * b, benchmark: b })))).toBeCloseTo(2, 12);
    expect(beta([0.01, 0.02].map((p) => ({ portfolio: p, benchmark: 0 })))).toBeNull();
    expect(beta([{ portfolio: 0.01, benchmark: 0.02 }])).toBeNull();
  });
});
