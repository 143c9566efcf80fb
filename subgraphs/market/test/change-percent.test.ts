import { describe, expect, it } from 'vitest';
import { changePercentOf } from '../src/domain/change-percent.ts';
import { priceChange } from '../src/domain/latest-price.ts';

/** Decimal text with up to `intDigits` integer and `fractionDigits` fraction digits, from a seeded generator. */
function decimals(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  return () => {
    const wide = next() < 0.1;
    const whole = next() < 0.3 ? '0' : `${1 + Math.floor(next() * 9)}${digits(Math.floor(next() * (wide ? 44 : 5)))}`;
    const fraction = digits(Math.floor(next() * (wide ? 30 : 6)));
    return fraction ? `${whole}.${fraction}` : whole;
  };
}

describe('changePercentOf', () => {
  it('gives the Float of priceChange, bit for bit, for random prices and closes', () => {
    const next = decimals(42);
    for (let i = 0; i < 20_000; i += 1) {
      const prevClose = next();
      const price = i % 3 === 0 ? prevClose.slice(0, Math.max(1, prevClose.length - 1)) : next();
      expect(Object.is(changePercentOf(price, prevClose), priceChange(price, prevClose).changePercent), `${price} over ${prevClose}`).toBe(true);
    }
  });

  it('rounds half to even at the 8th place, keeps the sign of a change too small to show, and has no percentage without a close', () => {
    const cases: [string, string | null][] = [
      ['100.000000005', '100'],
      ['100.000000015', '100'],
      ['99.999999995', '100'],
      ['99.9999999999', '100'],
      ['1', '3'],
      ['2', '3'],
      ['100.10', '100.1'],
      ['101.50', '100'],
      ['5', '0'],
      ['5', null],
      ['1', '0.000000000000000000000000000000000000000000007'],
    ];
    for (const [price, prevClose] of cases) expect(Object.is(changePercentOf(price, prevClose), priceChange(price, prevClose).changePercent)).toBe(true);
    expect(changePercentOf('101.50', '100')).toBe(1.5);
    expect(Object.is(changePercentOf('99.9999999999', '100'), -0)).toBe(true);
  });
});
