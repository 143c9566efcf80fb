import type { Sql } from '@nexanest/db';
import {
  applyEntry,
  changesHolding,
  createLedgerEntry,
  dec,
  emptyPosition,
  LedgerRuleError,
  type Position,
  type TransactionDraft,
  type TransactionType,
} from '../../../subgraphs/portfolio/src/domain/index.ts';

/**
 * Random ledgers replayed twice: through the portfolio subgraph's domain functions (decimal.js),
 * and from the raw inputs by PostgreSQL NUMERIC arithmetic. Both must agree to the last digit.
 */

/** One random step; every field is a non-negative integer, turned into decimals by `draftFor`. */
export interface LedgerCommand {
  type: number;
  symbol: number;
  n1: number;
  n2: number;
  n3: number;
  n4: number;
}

const TYPES: TransactionType[] = ['BUY', 'BUY', 'BUY', 'SELL', 'SELL', 'SELL', 'DIVIDEND', 'INTEREST', 'DEPOSIT', 'DEPOSIT', 'WITHDRAWAL', 'FEE', 'SPLIT'];
export const COMMAND_TYPES = TYPES.length;
const SYMBOLS = [
  { symbol: 'AAPL', currency: 'USD' },
  { symbol: 'MSFT', currency: 'USD' },
  { symbol: 'SAP', currency: 'EUR' },
  { symbol: 'NESN', currency: 'CHF' },
  { symbol: 'VOD', currency: 'GBP' },
];
export const COMMAND_SYMBOLS = SYMBOLS.length;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];
const SPLIT_RATIOS = ['2', '3', '0.5', '1.5'];

/** `whole` with the first `scale` digits of `digits` as its fraction. */
const decimal = (whole: number, digits: number, scale: number) =>
  scale === 0 ? String(whole) : `${whole}.${String(digits).padStart(10, '0').slice(0, scale)}`;
const positiveOr = (value: string, fallback: string) => (dec(value).isZero() ? fallback : value);

/** The raw fields of an accepted entry, as a client sent them. */
export interface RawEntry {
  seq: number;
  type: TransactionType;
  symbol: string | null;
  quantity: string | null;
  price: string | null;
  fees: string | null;
  amount: string | null;
  currency: string;
}

/** Turns a command into what a client would send, given the current positions (sells and splits depend on them). */
function draftFor(command: LedgerCommand, positions: Map<string, Position>): Omit<RawEntry, 'seq'> {
  const type = TYPES[command.type % TYPES.length]!;
  const instrument = SYMBOLS[command.symbol % SYMBOLS.length]!;
  const held = positions.get(instrument.symbol)?.quantity ?? dec('0');
  const base = { type, symbol: null, quantity: null, price: null, fees: null, amount: null, currency: CURRENCIES[command.n4 % CURRENCIES.length]! };
  const price = positiveOr(decimal(command.n3 % 100_000, command.n4, command.n4 % 7), '1');
  const fees = command.n4 % 3 === 0 ? null : decimal(command.n4 % 50, command.n1, 2);
  switch (type) {
    case 'BUY':
      return { ...base, ...instrument, price, fees, quantity: positiveOr(decimal(command.n1 % 10_000, command.n2, command.n3 % 11), '1') };
    case 'SELL': {
      const mode = command.n1 % 10;
      // All of it, more than held (refused), or a share of it cut to the scalar's 10 places.
      const quantity =
        mode === 0
          ? held
          : mode === 1
            ? held.plus(1)
            : held
                .times((command.n2 % 1000) + 1)
                .dividedBy(1000)
                .toDecimalPlaces(10, 1 /* ROUND_DOWN */);
      return { ...base, ...instrument, price, fees, quantity: quantity.isZero() ? '1' : quantity.toFixed() };
    }
    case 'SPLIT':
      return { ...base, ...instrument, quantity: SPLIT_RATIOS[command.n1 % SPLIT_RATIOS.length]! };
    case 'DIVIDEND':
      return { ...base, ...instrument, amount: positiveOr(decimal(command.n1 % 100_000, command.n2, command.n3 % 5), '1') };
    default:
      return { ...base, amount: positiveOr(decimal(command.n1 % 1_000_000, command.n2, command.n3 % 11), '1') };
  }
}

export interface LedgerState {
  accepted: RawEntry[];
  refused: number;
  /** Signed cash per currency. */
  cash: Map<string, string>;
  positions: Map<string, { quantity: string; costBasis: string; realizedGain: string }>;
}

/** Replays commands through the domain functions, as recordTransaction does, keeping what they accept. */
export function replayInTypeScript(commands: LedgerCommand[]): LedgerState {
  const now = new Date();
  const executedAt = new Date(now.getTime() - 60_000);
  const positions = new Map<string, Position>();
  const cash = new Map<string, ReturnType<typeof dec>>();
  const accepted: RawEntry[] = [];
  let refused = 0;
  for (const command of commands) {
    const raw = draftFor(command, positions);
    const draft: TransactionDraft = { ...raw, executedAt };
    try {
      const entry = createLedgerEntry(draft, now);
      if (changesHolding(entry.type) && entry.symbol) positions.set(entry.symbol, applyEntry(positions.get(entry.symbol) ?? emptyPosition(), entry));
      cash.set(entry.currency, (cash.get(entry.currency) ?? dec('0')).plus(entry.amount));
      accepted.push({ seq: accepted.length + 1, ...raw });
    } catch (error) {
      if (!(error instanceof LedgerRuleError)) throw error;
      refused++;
    }
  }
  return {
    accepted,
    refused,
    cash: new Map([...cash].map(([currency, amount]) => [currency, amount.toFixed()])),
    positions: new Map(
      [...positions].map(([symbol, position]) => [
        symbol,
        { quantity: position.quantity.toFixed(), costBasis: position.costBasis.toFixed(), realizedGain: position.realizedGain.toFixed() },
      ]),
    ),
  };
}

const SCHEMA = [
  `create table ledger (seq int primary key, type text not null, symbol text, quantity numeric, price numeric, fees numeric, amount numeric, currency text not null)`,
  // PostgreSQL's round() breaks ties away from zero; the ledger rounds half to even.
  `create function round_half_even(v numeric, s int) returns numeric language sql immutable as $$
     select case when abs(v - trunc(v, s)) = 0.5 * power(10::numeric, -s) and mod(abs(trunc(v, s)) * power(10::numeric, s), 2) = 0
                 then trunc(v, s) else round(v, s) end $$`,
  // Average cost, one entry at a time in ledger order; an oversell or a split of nothing is an error.
  `create function replay() returns table(symbol text, quantity numeric, cost_basis numeric, realized_gain numeric) language plpgsql as $$
   declare r record; q numeric; c numeric; g numeric; removed numeric;
   begin
     create temp table pos (sym text primary key, q numeric not null, c numeric not null, g numeric not null) on commit drop;
     for r in select * from ledger l where l.type in ('BUY', 'SELL', 'SPLIT') order by l.seq loop
       select p.q, p.c, p.g into q, c, g from pos p where p.sym = r.symbol;
       if not found then q := 0; c := 0; g := 0; end if;
       if r.type = 'BUY' then
         q := q + r.quantity; c := c + r.quantity * r.price + coalesce(r.fees, 0);
       elsif r.type = 'SELL' then
         if r.quantity > q then raise exception 'oversell at %', r.seq; end if;
         if r.quantity = q then removed := c; else removed := round_half_even((c * r.quantity)::numeric(1000, 40) / q, 10); end if;
         q := q - r.quantity; c := c - removed; g := g + r.quantity * r.price - coalesce(r.fees, 0) - removed;
       else
         if q = 0 then raise exception 'split of nothing at %', r.seq; end if;
         q := q * r.quantity;
       end if;
       insert into pos values (r.symbol, q, c, g) on conflict (sym) do update set q = excluded.q, c = excluded.c, g = excluded.g;
     end loop;
     return query select p.sym, p.q, p.c, p.g from pos p;
   end $$`,
];

/** Loads the accepted raw entries into `sql`'s (empty) database and recomputes cash and positions there. */
export async function recomputeInSql(sql: Sql, entries: RawEntry[]): Promise<Pick<LedgerState, 'cash' | 'positions'>> {
  for (const statement of SCHEMA) await sql.unsafe(statement);
  for (let start = 0; start < entries.length; start += 5000) {
    const rows = entries.slice(start, start + 5000);
    await sql`insert into ledger ${sql(rows, 'seq', 'type', 'symbol', 'quantity', 'price', 'fees', 'amount', 'currency')}`;
  }
  const cashRows = await sql`
    select currency, trim_scale(sum(case type
      when 'BUY' then -(quantity * price + coalesce(fees, 0))
      when 'SELL' then quantity * price - coalesce(fees, 0)
      when 'SPLIT' then 0
      when 'WITHDRAWAL' then -amount
      when 'FEE' then -amount
      else amount end))::text as amount
    from ledger group by currency`;
  const positionRows =
    await sql`select symbol, trim_scale(quantity)::text as q, trim_scale(cost_basis)::text as c, trim_scale(realized_gain)::text as g from replay()`;
  return {
    cash: new Map(cashRows.map((row) => [row.currency as string, row.amount as string])),
    positions: new Map(positionRows.map((row) => [row.symbol as string, { quantity: row.q, costBasis: row.c, realizedGain: row.g }])),
  };
}

/** Every difference between the two replays, as readable lines; empty when they agree exactly. */
export function differences(ts: Pick<LedgerState, 'cash' | 'positions'>, sqlState: Pick<LedgerState, 'cash' | 'positions'>): string[] {
  const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && dec(a).equals(dec(b));
  const lines: string[] = [];
  for (const currency of new Set([...ts.cash.keys(), ...sqlState.cash.keys()])) {
    if (!same(ts.cash.get(currency), sqlState.cash.get(currency)))
      lines.push(`cash ${currency}: ts ${ts.cash.get(currency)} sql ${sqlState.cash.get(currency)}`);
  }
  for (const symbol of new Set([...ts.positions.keys(), ...sqlState.positions.keys()])) {
    const a = ts.positions.get(symbol);
    const b = sqlState.positions.get(symbol);
    for (const field of ['quantity', 'costBasis', 'realizedGain'] as const) {
      if (!same(a?.[field], b?.[field])) lines.push(`${symbol} ${field}: ts ${a?.[field]} sql ${b?.[field]}`);
    }
  }
  return lines;
}
