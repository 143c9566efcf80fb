import { describe, expect, it } from 'vitest';
import { allocationOf, weightOf, type ValuedPosition } from '../src/domain/allocation.ts';
import { D } from '../src/domain/decimal.ts';
import { planRebalance } from '../src/domain/rebalance.ts';

const position = (symbol: string, quantity: string, price: string, more: Partial<ValuedPosition> = {}): ValuedPosition => ({
  symbol,
  quantity: new D(quantity),
  price: new D(price),
  tradingCurrency: 'USD',
  toBase: new D(1),
  assetClass: 'STOCK',
  sector: 'Information Technology',
  country: 'US',
  ...more,
});

const plain = (trades: ReturnType<typeof planRebalance>) =>
  trades.map((trade) => ({ symbol: trade.symbol, action: trade.action, quantity: trade.quantity.toFixed(), value: trade.estimatedValue.toFixed() }));

describe('allocation', () => {
  const positions = [
    position('AAPL', '10', '100'),
    position('SPY', '2', '250', { assetClass: 'ETF', sector: null }),
    // 50 GBP x 2 shares at 1.25 USD per GBP = 125 USD
    position('SHEL', '2', '50', { tradingCurrency: 'GBP', toBase: new D('1.25'), sector: 'Energy', country: 'GB' }),
  ];

  it('groups the holdings by each dimension, largest first, with weights over the holdings only', () => {
    // Total 1000 + 500 + 125 = 1625.
    expect(allocationOf(positions, 'ASSET_CLASS').map((slice) => [slice.key, slice.value.toFixed(), slice.weight])).toEqual([
      ['STOCK', '1125', 1125 / 1625],
      ['ETF', '500', 500 / 1625],
    ]);
    expect(allocationOf(positions, 'SECTOR').map((slice) => slice.key)).toEqual(['Information Technology', 'Unclassified', 'Energy']);
    expect(allocationOf(positions, 'COUNTRY').map((slice) => [slice.key, slice.value.toFixed()])).toEqual([
      ['US', '1500'],
      ['GB', '125'],
    ]);
    expect(allocationOf(positions, 'CURRENCY').map((slice) => slice.key)).toEqual(['USD', 'GBP']);
    expect(allocationOf(positions, 'SYMBOL').reduce((sum, slice) => sum + slice.weight, 0)).toBeCloseTo(1, 12);
  });

  it('weighs a group by its key without regard to case, and 0 for a group not held or an empty portfolio', () => {
    expect(weightOf(positions, 'SECTOR', 'energy')).toBe(125 / 1625);
    expect(weightOf(positions, 'SYMBOL', 'MSFT')).toBe(0);
    expect(weightOf([], 'SYMBOL', 'MSFT')).toBe(0);
  });
});

describe('planRebalance', () => {
  it('plans nothing while every rule is within its tolerance', () => {
    const positions = [position('AAPL', '5', '100'), position('SPY', '5', '100', { assetClass: 'ETF' })];
    expect(planRebalance(positions, [{ dimension: 'ASSET_CLASS', key: 'STOCK', targetWeight: 0.45, tolerance: 0.05 }])).toEqual([]);
  });

  it('fixes an overweight group with one sell of its largest position', () => {
    // STOCK 7000 of 10000 (0.7), ETF 3000 (0.3); both rules 0.5 +- 0.05. STOCK to 0.5 of the new
    // total: 0.5 x 3000 / 0.5 = 3000, so 4000 of AAPL (40 shares at 100) is sold; ETF is then 0.5 too.
    const positions = [position('AAPL', '60', '100'), position('MSFT', '10', '100'), position('SPY', '10', '300', { assetClass: 'ETF' })];
    const rules = [
      { dimension: 'ASSET_CLASS' as const, key: 'STOCK', targetWeight: 0.5, tolerance: 0.05 },
      { dimension: 'ASSET_CLASS' as const, key: 'ETF', targetWeight: 0.5, tolerance: 0.05 },
    ];
    expect(plain(planRebalance(positions, rules))).toEqual([{ symbol: 'AAPL', action: 'SELL', quantity: '40', value: '4000' }]);
  });

  it('buys into a symbol that is not held yet, converting through FX', () => {
    // 1000 USD of AAPL; MSFT should weigh 0.2: 0.2 x 1000 / 0.8 = 250 USD = 200 GBP at 1.25 USD per GBP = 10 shares at 20 GBP.
    const positions = [position('AAPL', '10', '100'), position('MSFT', '0', '20', { tradingCurrency: 'GBP', toBase: new D('1.25') })];
    const trades = planRebalance(positions, [{ dimension: 'SYMBOL', key: 'msft', targetWeight: 0.2, tolerance: 0.05 }]);
    expect(plain(trades)).toEqual([{ symbol: 'MSFT', action: 'BUY', quantity: '10', value: '250' }]);
  });

  it('sells further positions of the group only when the largest is not enough, and sells first', () => {
    // Technology must go to 0: AAPL (300) and MSFT (200) are sold out; SPY stays.
    const positions = [position('AAPL', '3', '100'), position('MSFT', '2', '100'), position('SPY', '5', '100', { assetClass: 'ETF', sector: null })];
    const trades = planRebalance(positions, [{ dimension: 'SECTOR', key: 'Information Technology', targetWeight: 0, tolerance: 0 }]);
    expect(plain(trades)).toEqual([
      { symbol: 'AAPL', action: 'SELL', quantity: '3', value: '300' },
      { symbol: 'MSFT', action: 'SELL', quantity: '2', value: '200' },
    ]);
  });

  it('rounds share quantities toward zero to 6 places', () => {
    // AAPL 2000 of 4000 to 0.3: sell 1142.857142857... = 5.714285714... shares at 200 -> 5.714285.
    const positions = [position('AAPL', '10', '200'), position('SPY', '4', '500', { assetClass: 'ETF' })];
    const trades = planRebalance(positions, [{ dimension: 'SYMBOL', key: 'AAPL', targetWeight: 0.3, tolerance: 0.05 }]);
    expect(plain(trades)).toEqual([{ symbol: 'AAPL', action: 'SELL', quantity: '5.714285', value: '1142.857' }]);
  });

  it('leaves a rule it cannot meet, and still meets the others', () => {
    // Nothing is held in Japan to buy more of; the SYMBOL rule on SPY is still met with one buy.
    const positions = [position('AAPL', '8', '100'), position('SPY', '2', '100', { assetClass: 'ETF' })];
    const trades = planRebalance(positions, [
      { dimension: 'COUNTRY', key: 'JP', targetWeight: 0.1, tolerance: 0.01 },
      { dimension: 'SYMBOL', key: 'SPY', targetWeight: 0.5, tolerance: 0.01 },
    ]);
    // SPY to 0.5: 0.5 x 800 / 0.5 = 800, buy 600 = 6 shares.
    expect(plain(trades)).toEqual([{ symbol: 'SPY', action: 'BUY', quantity: '6', value: '600' }]);
  });
});
