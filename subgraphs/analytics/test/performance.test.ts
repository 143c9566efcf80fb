import { describe, expect, it } from 'vitest';
import { growthIndex, investorCashFlows, measurePerformance, periodReturns } from '../src/domain/performance.ts';

const point = (day: number, totalValue: string, netFlow = '0') => ({
  time: new Date(Date.UTC(2026, 0, day, 23, 59, 59)),
  totalValue,
  currency: 'EUR',
  netFlow,
});

// Day 1: 1000. Day 2: +10% -> 1100. Day 3: -5% -> 1045, then a 1000 deposit -> 2045. Day 4: +10% -> 2249.5.
const WITH_DEPOSIT = [point(1, '1000'), point(2, '1100'), point(3, '2045', '1000'), point(4, '2249.5')];
// The same market moves without the deposit: 1000, 1100, 1045, 1149.5.
const WITHOUT_FLOWS = [point(1, '1000'), point(2, '1100'), point(3, '1045'), point(4, '1149.5')];

describe('measurePerformance', () => {
  it('links the daily returns around a mid-period deposit (time-weighted 14.95%)', () => {
    const performance = measurePerformance(WITH_DEPOSIT)!;
    // 1.10 x 0.95 x 1.10 - 1 = 0.1495
    expect(performance.timeWeightedReturn).toBeCloseTo(0.1495, 12);
    expect(periodReturns(WITH_DEPOSIT).map((link) => link.value.toNumber())).toEqual([0.1, -0.05, 0.1]);
  });

  it('takes the deposit out of the simple return: (2249.5 - 1000 - 1000) / 1000 = 24.95%', () => {
    const performance = measurePerformance(WITH_DEPOSIT)!;
    expect(performance.simpleReturn).toBe(0.2495);
    expect(performance.netFlows.toString()).toBe('1000');
    expect(performance.startValue.toString()).toBe('1000');
    expect(performance.endValue.toString()).toBe('2249.5');
    expect(performance.currency).toBe('EUR');
  });

  it('weights the last day (+10% on twice the money) more in the money-weighted return: 18.98%, 4.03 points above the TWR', () => {
    const performance = measurePerformance(WITH_DEPOSIT)!;
    // g = daily growth factor: -1000 g^3 - 1000 g + 2249.5 = 0 (paid in at day 0 and 2, taken out at day 3);
    // g = 1.05965306517..., over the window g^3 - 1 = 0.18984693...
    expect(performance.moneyWeightedReturn).toBeCloseTo(0.189846935, 8);
    const g = (1 + performance.moneyWeightedReturn!) ** (1 / 3);
    expect(-1000 * g ** 3 - 1000 * g + 2249.5).toBeCloseTo(0, 6);
    expect(performance.moneyWeightedReturn! - performance.timeWeightedReturn!).toBeCloseTo(0.040346935, 8);
  });

  it('has all three agree when nothing is paid in or out: 1149.5 / 1000 - 1 = 14.95%', () => {
    const performance = measurePerformance(WITHOUT_FLOWS)!;
    expect(performance.simpleReturn).toBe(0.1495);
    expect(performance.timeWeightedReturn).toBeCloseTo(0.1495, 12);
    expect(performance.moneyWeightedReturn).toBeCloseTo(0.1495, 10);
  });

  it('lays out the investor cash flows: start paid in, the deposit paid in, the end value taken out', () => {
    expect(investorCashFlows(WITH_DEPOSIT).map((flow) => [flow.time.getUTCDate(), flow.amount.toString()])).toEqual([
      [1, '-1000'],
      [3, '-1000'],
      [4, '2249.5'],
    ]);
  });

  it('counts a withdrawal as money taken out, not as a loss', () => {
    // 1000 -> 1100 (+10%), then 500 withdrawn and the rest flat: 600.
    const performance = measurePerformance([point(1, '1000'), point(2, '1100'), point(3, '600', '-500')])!;
    expect(performance.timeWeightedReturn).toBeCloseTo(0.1, 12);
    expect(performance.simpleReturn).toBe(0.1);
  });

  it('answers null ratios with a single point and nothing without points', () => {
    expect(measurePerformance([point(1, '1000')])).toMatchObject({ simpleReturn: null, timeWeightedReturn: null, moneyWeightedReturn: null });
    expect(measurePerformance([])).toBeNull();
  });

  it('answers a null simple return when the start value is zero, and skips the link after it', () => {
    const performance = measurePerformance([point(1, '0'), point(2, '500', '500'), point(3, '550')])!;
    expect(performance.simpleReturn).toBeNull();
    expect(performance.timeWeightedReturn).toBeCloseTo(0.1, 12);
  });

  it('builds the growth index used by the series and the drawdown', () => {
    expect(growthIndex(WITH_DEPOSIT).map((growth) => growth.toNumber())).toEqual([1, 1.1, 1.045, 1.1495]);
  });
});
