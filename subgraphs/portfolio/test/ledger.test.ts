import { describe, expect, it } from 'vitest';
import {
  applyEntry,
  averageCost,
  checkInstrumentCurrency,
  createLedgerEntry,
  emptyPosition,
  LedgerRuleError,
  type Position,
  type TransactionDraft,
} from '../src/domain/index.ts';

const now = new Date('2026-11-21T12:00:00Z');
const at = new Date('2026-11-20T12:00:00Z');
const entry = (draft: Partial<TransactionDraft> & Pick<TransactionDraft, 'type'>) => createLedgerEntry({ currency: 'USD', executedAt: at, ...draft }, now);
const show = (position: Position) => ({
  quantity: position.quantity.toFixed(),
  costBasis: position.costBasis.toFixed(),
  realizedGain: position.realizedGain.toFixed(),
});
const apply = (...entries: Parameters<typeof entry>[0][]) => entries.reduce((position, draft) => applyEntry(position, entry(draft)), emptyPosition());
const ruleBroken = (fn: () => unknown, field?: string) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerRuleError);
    if (field) expect((error as LedgerRuleError).field).toBe(field);
    return;
  }
  throw new Error('expected a LedgerRuleError');
};

describe('cash effect of each transaction type', () => {
  it('charges a buy its cost and fees', () => {
    expect(entry({ type: 'BUY', symbol: 'AAPL', quantity: '10', price: '150.25', fees: '1.5' }).amount.toFixed()).toBe('-1504');
  });
  it('credits a sell its proceeds less fees', () => {
    expect(entry({ type: 'SELL', symbol: 'AAPL', quantity: '4', price: '200', fees: '2' }).amount.toFixed()).toBe('798');
  });
  it('defaults fees to zero', () => {
    const buy = entry({ type: 'BUY', symbol: 'AAPL', quantity: '1', price: '10' });
    expect(buy.fees?.toFixed()).toBe('0');
    expect(buy.amount.toFixed()).toBe('-10');
  });
  it('adds dividends, interest and deposits; subtracts withdrawals and fees', () => {
    expect(entry({ type: 'DIVIDEND', symbol: 'MSFT', amount: '18.75' }).amount.toFixed()).toBe('18.75');
    expect(entry({ type: 'INTEREST', amount: '0.01' }).amount.toFixed()).toBe('0.01');
    expect(entry({ type: 'DEPOSIT', amount: '5000' }).amount.toFixed()).toBe('5000');
    expect(entry({ type: 'WITHDRAWAL', amount: '250.5' }).amount.toFixed()).toBe('-250.5');
    expect(entry({ type: 'FEE', amount: '3' }).amount.toFixed()).toBe('-3');
  });
  it('moves no cash on a split', () => {
    expect(entry({ type: 'SPLIT', symbol: 'AAPL', quantity: '4' }).amount.isZero()).toBe(true);
  });
  it('keeps decimals exact where binary floats would not', () => {
    expect(entry({ type: 'BUY', symbol: 'X', quantity: '3', price: '0.1', fees: '0.2' }).amount.toFixed()).toBe('-0.5');
    expect(entry({ type: 'SELL', symbol: 'X', quantity: '0.1', price: '0.2', fees: '0' }).amount.toFixed()).toBe('0.02');
    // 56 significant digits: beyond decimal.js's default precision of 20.
    const big = entry({ type: 'BUY', symbol: 'X', quantity: '123456789012345678.1234567891', price: '987654321098765432.9876543219' });
    expect(big.amount.toFixed()).toBe('-121932631137021794566377074680536501.66421277072251181129');
  });
  it('upper-cases and trims the symbol', () => {
    expect(entry({ type: 'BUY', symbol: ' aapl ', quantity: '1', price: '1' }).symbol).toBe('AAPL');
  });
});

describe('rules that need no outside data', () => {
  it('refuses zero or negative quantity and price, negative fees and amounts', () => {
    ruleBroken(() => entry({ type: 'BUY', symbol: 'AAPL', quantity: '0', price: '1' }), 'quantity');
    ruleBroken(() => entry({ type: 'SELL', symbol: 'AAPL', quantity: '-1', price: '1' }), 'quantity');
    ruleBroken(() => entry({ type: 'BUY', symbol: 'AAPL', quantity: '1', price: '0' }), 'price');
    ruleBroken(() => entry({ type: 'BUY', symbol: 'AAPL', quantity: '1', price: '1', fees: '-0.01' }), 'fees');
    ruleBroken(() => entry({ type: 'DEPOSIT', amount: '-5' }), 'amount');
    ruleBroken(() => entry({ type: 'SPLIT', symbol: 'AAPL', quantity: '0' }), 'quantity');
  });
  it('names the field a type needs when it is missing', () => {
    ruleBroken(() => entry({ type: 'BUY', quantity: '1', price: '1' }), 'symbol');
    ruleBroken(() => entry({ type: 'BUY', symbol: 'AAPL', price: '1' }), 'quantity');
    ruleBroken(() => entry({ type: 'SELL', symbol: 'AAPL', quantity: '1' }), 'price');
    ruleBroken(() => entry({ type: 'DIVIDEND', amount: '1' }), 'symbol');
    ruleBroken(() => entry({ type: 'DIVIDEND', symbol: 'AAPL' }), 'amount');
    ruleBroken(() => entry({ type: 'WITHDRAWAL' }), 'amount');
    ruleBroken(() => entry({ type: 'SPLIT', symbol: 'AAPL' }), 'quantity');
  });
  it('refuses unknown currencies and dates in the future', () => {
    ruleBroken(() => entry({ type: 'DEPOSIT', amount: '1', currency: 'XYZ' }), 'currency');
    ruleBroken(() => entry({ type: 'DEPOSIT', amount: '1', currency: 'usd' }), 'currency');
    ruleBroken(() => entry({ type: 'DEPOSIT', amount: '1', executedAt: new Date(now.getTime() + 6_000) }), 'executedAt');
    expect(entry({ type: 'DEPOSIT', amount: '1', executedAt: new Date(now.getTime() + 4_000) }).amount.toFixed()).toBe('1');
  });
  it('refuses a trade or dividend outside the trading currency', () => {
    ruleBroken(() => checkInstrumentCurrency(entry({ type: 'BUY', symbol: 'SAP', quantity: '1', price: '1' }), { symbol: 'SAP', currency: 'EUR' }), 'currency');
    ruleBroken(() => checkInstrumentCurrency(entry({ type: 'DIVIDEND', symbol: 'SAP', amount: '1' }), { symbol: 'SAP', currency: 'EUR' }), 'currency');
    expect(() => checkInstrumentCurrency(entry({ type: 'SPLIT', symbol: 'SAP', quantity: '2' }), { symbol: 'SAP', currency: 'EUR' })).not.toThrow();
  });
});

describe('average cost positions', () => {
  it('adds each buy and its fees to the cost basis', () => {
    const position = apply(
      { type: 'BUY', symbol: 'A', quantity: '10', price: '100', fees: '5' },
      { type: 'BUY', symbol: 'A', quantity: '10', price: '110', fees: '5' },
    );
    expect(show(position)).toEqual({ quantity: '20', costBasis: '2110', realizedGain: '0' });
    expect(averageCost(position).toFixed()).toBe('105.5');
  });
  it('removes the average cost of the shares sold and realizes the rest', () => {
    const position = apply(
      { type: 'BUY', symbol: 'A', quantity: '10', price: '100', fees: '5' },
      { type: 'BUY', symbol: 'A', quantity: '10', price: '110', fees: '5' },
      { type: 'SELL', symbol: 'A', quantity: '5', price: '120', fees: '2' },
    );
    // removed = 2110 * 5/20 = 527.5; gain = 600 - 2 - 527.5 = 70.5
    expect(show(position)).toEqual({ quantity: '15', costBasis: '1582.5', realizedGain: '70.5' });
    expect(averageCost(position).toFixed()).toBe('105.5');
  });
  it('leaves no cost behind when the whole position is sold', () => {
    const position = apply(
      { type: 'BUY', symbol: 'A', quantity: '3', price: '10', fees: '0.01' },
      { type: 'SELL', symbol: 'A', quantity: '1', price: '11' },
      { type: 'SELL', symbol: 'A', quantity: '2', price: '9' },
    );
    expect(position.quantity.isZero()).toBe(true);
    expect(position.costBasis.isZero()).toBe(true);
    // proceeds 11 + 18 = 29 against a cost of 30.01
    expect(position.realizedGain.toFixed()).toBe('-1.01');
  });
  it('rounds a partial sell share of the cost to ten places', () => {
    const position = apply({ type: 'BUY', symbol: 'A', quantity: '3', price: '10', fees: '0.01' }, { type: 'SELL', symbol: 'A', quantity: '1', price: '11' });
    expect(position.costBasis.toFixed()).toBe('20.0066666667');
  });
  it('adds 0.1 and 0.2 shares exactly', () => {
    const position = apply({ type: 'BUY', symbol: 'A', quantity: '0.1', price: '0.1' }, { type: 'BUY', symbol: 'A', quantity: '0.2', price: '0.2' });
    expect(show(position)).toEqual({ quantity: '0.3', costBasis: '0.05', realizedGain: '0' });
  });
  it('refuses to sell more than is held', () => {
    const held = apply({ type: 'BUY', symbol: 'A', quantity: '1', price: '1' });
    ruleBroken(() => applyEntry(held, entry({ type: 'SELL', symbol: 'A', quantity: '1.0000000001', price: '1' })), 'quantity');
    ruleBroken(() => applyEntry(emptyPosition(), entry({ type: 'SELL', symbol: 'A', quantity: '1', price: '1' })), 'quantity');
  });
  it('multiplies shares on a split and keeps the cost basis', () => {
    const position = apply({ type: 'BUY', symbol: 'A', quantity: '10', price: '400', fees: '0' }, { type: 'SPLIT', symbol: 'A', quantity: '4' });
    expect(show(position)).toEqual({ quantity: '40', costBasis: '4000', realizedGain: '0' });
    expect(averageCost(position).toFixed()).toBe('100');
  });
  it('refuses to split a symbol that is not held', () => {
    ruleBroken(() => applyEntry(emptyPosition(), entry({ type: 'SPLIT', symbol: 'A', quantity: '2' })), 'symbol');
  });
  it('leaves the position alone on a dividend', () => {
    const held = apply({ type: 'BUY', symbol: 'A', quantity: '2', price: '5' });
    expect(show(applyEntry(held, entry({ type: 'DIVIDEND', symbol: 'A', amount: '1' })))).toEqual(show(held));
  });
});
