import { Decimal } from 'decimal.js';
import { closeAsOf, type BenchmarkSeries } from '../domain/benchmark.ts';

/** A ledger entry as portfolio's LEDGER_PATH serves it (amount: signed cash effect in `currency`). */
export interface LedgerEntry {
  id: string;
  type: string;
  symbol: string | null;
  quantity: string | null;
  amount: string;
  currency: string;
  executedAt: string;
}

/** What values the days: each symbol's closes (in its trading currency) and daily FX to the base. */
export interface MarketHistory {
  /** Closes by symbol, with the symbol's trading currency. */
  closes: Map<string, { currency: string; series: BenchmarkSeries }>;
  /** `rate(currency, day)`: units of the base currency per unit of `currency` at the end of the day; null when market has none. */
  rate(currency: string, day: string): Decimal | null;
}

export interface DailyValue {
  day: string;
  /** Holdings at the day's close plus cash, in the base currency. */
  totalValue: Decimal;
  /** Deposits minus withdrawals of the day, in the base currency (already inside totalValue). */
  netFlow: Decimal;
}

/** A day cannot be valued: a price or an FX rate is missing. Never valued at 0 or 1. */
export class ValuationError extends Error {
  readonly code = 'VALUATION_INPUT_MISSING';
  constructor(message: string) {
    super(message);
    this.name = 'ValuationError';
  }
}

const DAY_MS = 86_400_000;
export const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const EXTERNAL_FLOWS = new Set(['DEPOSIT', 'WITHDRAWAL']);

/**
 * Values a portfolio at the end of each UTC day from `fromDay` to `toDay`, replaying the ledger:
 *
 *     cash(c)     = sum of the amounts in currency c executed before the day's end
 *     quantity(s) = BUY +q, SELL -q, SPLIT x q, in ledger order
 *     totalValue  = sum_c cash(c) x FX(c -> base, d) + sum_s quantity(s) x close(s, d) x FX(ccy(s) -> base, d)
 *     netFlow     = sum of the day's DEPOSIT and WITHDRAWAL amounts x FX(c -> base, d)
 *
 * close(s, d) is the close of day d or the latest of the 7 days before; FX is as of day d (market
 * triangulates through USD). Days before the first entry are not valued. Throws ValuationError
 * when a price or rate that a day needs is missing.
 */
export function valueDays(ledger: readonly LedgerEntry[], baseCurrency: string, market: MarketHistory, fromDay: string, toDay: string): DailyValue[] {
  const entries = [...ledger].sort((a, b) => Date.parse(a.executedAt) - Date.parse(b.executedAt));
  const cash = new Map<string, Decimal>();
  const quantities = new Map<string, Decimal>();
  const out: DailyValue[] = [];
  const fx = (currency: string, day: string): Decimal => {
    if (currency === baseCurrency) return new Decimal(1);
    const rate = market.rate(currency, day);
    if (!rate) throw new ValuationError(`no ${currency}/${baseCurrency} rate for ${day}`);
    return rate;
  };
  let next = 0;
  for (let day = entries[0] ? entries[0].executedAt.slice(0, 10) : nextDay(toDay); day <= toDay; day = nextDay(day)) {
    const dayEnd = Date.parse(`${nextDay(day)}T00:00:00Z`);
    let netFlow = new Decimal(0);
    for (; next < entries.length && Date.parse(entries[next]!.executedAt) < dayEnd; next++) {
      const entry = entries[next]!;
      cash.set(entry.currency, (cash.get(entry.currency) ?? new Decimal(0)).plus(entry.amount));
      if (entry.symbol && entry.quantity !== null) {
        const held = quantities.get(entry.symbol) ?? new Decimal(0);
        if (entry.type === 'BUY') quantities.set(entry.symbol, held.plus(entry.quantity));
        else if (entry.type === 'SELL') quantities.set(entry.symbol, held.minus(entry.quantity));
        else if (entry.type === 'SPLIT') quantities.set(entry.symbol, held.times(entry.quantity));
      }
      if (EXTERNAL_FLOWS.has(entry.type) && day >= fromDay) netFlow = netFlow.plus(new Decimal(entry.amount).times(fx(entry.currency, day)));
    }
    if (day < fromDay) continue;
    let total = new Decimal(0);
    for (const [currency, amount] of cash) if (!amount.isZero()) total = total.plus(amount.times(fx(currency, day)));
    for (const [symbol, quantity] of quantities) {
      if (quantity.isZero()) continue;
      const prices = market.closes.get(symbol);
      const close = prices ? closeAsOf(prices.series, day) : null;
      if (!prices || !close) throw new ValuationError(`no close for ${symbol} on ${day} (or the 7 days before)`);
      total = total.plus(quantity.times(close).times(fx(prices.currency, day)));
    }
    out.push({ day, totalValue: total, netFlow });
  }
  return out;
}

/** The symbols a ledger ever holds, and the currencies it touches (cash and trading). */
export function ledgerNeeds(ledger: readonly LedgerEntry[]): { symbols: string[]; currencies: string[] } {
  const symbols = new Set<string>();
  const currencies = new Set<string>();
  for (const entry of ledger) {
    currencies.add(entry.currency);
    if (entry.symbol && (entry.type === 'BUY' || entry.type === 'SELL' || entry.type === 'SPLIT')) symbols.add(entry.symbol);
  }
  return { symbols: [...symbols].sort(), currencies: [...currencies].sort() };
}
