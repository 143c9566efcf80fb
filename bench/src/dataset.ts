// The bench's fixed dataset, generated from one seed and loaded with COPY onto databases the
// project's own migrations created: 500 instruments with 2 years of daily prices, then users
// with 3 portfolios of 20 holdings each (and a BUY per holding, so the ledger agrees).
import { Decimal } from 'decimal.js';
import { createPool, type Sql } from '@nexanest/db';
import { prepareMarketDatabase, seedDemoMarketData } from '@nexanest/market';
import { copyRows } from './copy.ts';
import { pick, seeded, stableUuid } from './random.ts';

const DAY_MS = 86_400_000;

export interface MarketLoad {
  instruments: number;
  prices: number;
  seconds: number;
}

/** Migrates market, seeds the reference universe's demo history, and adds synthetic instruments up to `total`. */
export async function loadMarket(url: string, options: { total: number; days: number; seed: number }): Promise<MarketLoad> {
  const started = performance.now();
  const pool = createPool<Record<string, never>>({ url, max: 4, applicationName: 'bench-dataset' });
  try {
    await prepareMarketDatabase(pool);
    // Midnight today: the figures are seeded, the dates follow the calendar (latest prices stay "today").
    const endDate = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const seededDemo = await seedDemoMarketData(pool.sql, { days: options.days, endDate });
    const [{ count }] = (await pool.sql`select count(*)::int as count from market_data.instruments`) as unknown as [{ count: number }];
    const extra = Array.from({ length: Math.max(0, options.total - count) }, (_, i) => ({
      symbol: `BN${String(i + 1).padStart(4, '0')}`,
      currency: i % 5 === 4 ? 'EUR' : 'USD',
    }));
    await copyRows(
      pool.sql,
      'market_data.instruments',
      ['symbol', 'name', 'exchange', 'asset_class', 'sector', 'country', 'currency'],
      extra.map(({ symbol, currency }) => [
        symbol,
        `Bench ${symbol}`,
        currency === 'EUR' ? 'XETRA' : 'NYSE',
        'STOCK',
        'Synthetic',
        currency === 'EUR' ? 'DE' : 'US',
        currency,
      ]),
    );
    const from = new Date(endDate.getTime() - options.days * DAY_MS);
    await pool.sql`select market_data.ensure_stock_price_partitions(${from.toISOString()}::timestamptz, ${endDate.toISOString()}::timestamptz)`;
    const random = seeded(options.seed);
    const latest = new Map<string, LatestPoint>();
    const prices = await copyRows(
      pool.sql,
      'market_data.stock_prices',
      ['symbol', 'time', 'price', 'volume'],
      pricesOf(extra, from, options.days, random, latest),
    );
    // One point a day: the day's open, high and low are its one price (rebuildLatestPrices does the same, far slower on 500 symbols).
    const revision = Date.now() * 1000;
    await copyRows(
      pool.sql,
      'market_data.latest_prices',
      ['symbol', 'price', 'time', 'day', 'open', 'open_time', 'high', 'low', 'volume', 'prev_close', 'revision'],
      [...latest.entries()].map(([symbol, p]) => [
        symbol,
        p.price,
        p.time,
        p.time.slice(0, 10),
        p.price,
        p.time,
        p.price,
        p.price,
        p.volume,
        p.previous,
        revision,
      ]),
    );
    await pool.sql`analyze market_data.stock_prices`;
    return { instruments: count + extra.length, prices: prices + seededDemo.prices, seconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.close();
  }
}

interface LatestPoint {
  price: string;
  time: string;
  volume: number;
  previous: string | null;
}

function* pricesOf(instruments: { symbol: string }[], from: Date, days: number, random: () => number, latest: Map<string, LatestPoint>) {
  for (const { symbol } of instruments) {
    let walk = 20 + random() * 300;
    let previous: string | null = null;
    for (let d = 1; d <= days; d++) {
      walk *= 1 + (random() - 0.5) * 0.03;
      const price = walk.toFixed(4);
      const time = new Date(from.getTime() + d * DAY_MS - 3 * 3_600_000).toISOString();
      const volume = Math.floor(random() * 5_000_000);
      if (d === days) latest.set(symbol, { price, time, volume, previous });
      previous = price;
      yield [symbol, time, price, volume] as const;
    }
  }
}

export interface BenchUser {
  userId: string;
  sessionId: string;
  email: string;
  portfolioIds: string[];
  holdings: number;
}

export interface AccountsLoad {
  users: BenchUser[];
  /** Users outside the standard shape, for the cost scenario, by label. */
  sized: Record<string, BenchUser>;
  rows: Record<string, number>;
  seconds: number;
}

interface Shape {
  label: string;
  portfolios: number;
  holdings: number;
}

/** Users, sessions, portfolios, holdings, BUY transactions and cash, loaded with COPY. */
export async function loadAccounts(
  urls: { auth: string; portfolio: string; timescale: string },
  options: { users: number; portfolios: number; holdings: number; seed: number; sizes: Shape[] },
): Promise<AccountsLoad> {
  const started = performance.now();
  const random = seeded(options.seed + 1);
  const market = createPool<Record<string, never>>({ url: urls.timescale, max: 1, applicationName: 'bench-dataset' });
  const tradable = (await market.sql`
    select i.symbol, i.currency, l.price from market_data.instruments i join market_data.latest_prices l using (symbol)
    where i.asset_class in ('STOCK', 'ETF') order by i.symbol`) as unknown as { symbol: string; currency: string; price: string }[];
  await market.close();

  const shapes: Shape[] = [
    ...Array.from({ length: options.users }, (_, i) => ({ label: `user${i}`, portfolios: options.portfolios, holdings: options.holdings })),
    ...options.sizes,
  ];
  const users: BenchUser[] = [];
  const portfolios: (string | boolean)[][] = [];
  const holdings: string[][] = [];
  const transactions: string[][] = [];
  const cash: string[][] = [];
  const boughtAt = new Date(Date.now() - 400 * DAY_MS).toISOString();
  for (const shape of shapes) {
    const userId = stableUuid(`bench:${options.seed}:user:${shape.label}`);
    const user: BenchUser = {
      userId,
      sessionId: stableUuid(`bench:session:${shape.label}`),
      email: `${shape.label}@bench.nexanest.test`,
      portfolioIds: [],
      holdings: 0,
    };
    for (let p = 0; p < shape.portfolios; p++) {
      const portfolioId = stableUuid(`bench:${options.seed}:portfolio:${shape.label}:${p}`);
      user.portfolioIds.push(portfolioId);
      portfolios.push([portfolioId, userId, `Portfolio ${p + 1}`, 'TAXABLE', p % 3 === 2 ? 'EUR' : 'USD', true]);
      const spent = new Map<string, Decimal>();
      for (const instrument of pick(tradable, shape.holdings, random)) {
        const quantity = new Decimal(1 + Math.floor(random() * 200));
        const price = new Decimal(instrument.price).times(0.8 + random() * 0.3).toDecimalPlaces(4);
        const fees = new Decimal('1.5');
        const cost = quantity.times(price).plus(fees);
        holdings.push([
          stableUuid(`bench:holding:${portfolioId}:${instrument.symbol}`),
          portfolioId,
          instrument.symbol,
          quantity.toFixed(),
          cost.toFixed(),
          instrument.currency,
        ]);
        transactions.push([
          stableUuid(`bench:tx:${portfolioId}:${instrument.symbol}`),
          portfolioId,
          'BUY',
          instrument.symbol,
          quantity.toFixed(),
          price.toFixed(),
          fees.toFixed(),
          cost.negated().toFixed(),
          instrument.currency,
          boughtAt,
        ]);
        spent.set(instrument.currency, (spent.get(instrument.currency) ?? new Decimal(0)).minus(cost));
        user.holdings++;
      }
      for (const [currency, amount] of spent) cash.push([portfolioId, currency, amount.toFixed()]);
    }
    users.push(user);
  }
  const auth = createPool<Record<string, never>>({ url: urls.auth, max: 1, applicationName: 'bench-dataset' });
  const portfolio = createPool<Record<string, never>>({ url: urls.portfolio, max: 1, applicationName: 'bench-dataset' });
  try {
    const rows: Record<string, number> = {};
    // Nobody signs in with a password here (tokens are minted), so one placeholder hash serves.
    rows.users = await copyRows(
      auth.sql,
      'users',
      ['id', 'email', 'password_hash', 'role', 'email_verified'],
      users.map((u) => [u.userId, u.email, 'bench-no-password', 'USER', true]),
    );
    rows.sessions = await copyRows(
      auth.sql,
      'user_sessions',
      ['id', 'user_id'],
      users.map((u) => [u.sessionId, u.userId]),
    );
    rows.portfolios = await copyRows(portfolio.sql, 'portfolios', ['id', 'owner_id', 'name', 'portfolio_type', 'base_currency', 'is_active'], portfolios);
    rows.holdings = await copyRows(portfolio.sql, 'holdings', ['id', 'portfolio_id', 'symbol', 'quantity', 'cost_basis', 'currency'], holdings);
    rows.transactions = await copyRows(
      portfolio.sql,
      'transactions',
      ['id', 'portfolio_id', 'type', 'symbol', 'quantity', 'price', 'fees', 'amount', 'currency', 'executed_at'],
      transactions,
    );
    rows.cash_balances = await copyRows(portfolio.sql, 'cash_balances', ['portfolio_id', 'currency', 'amount'], cash);
    await analyze(auth.sql, portfolio.sql);
    const standard = users.slice(0, options.users);
    const sized = Object.fromEntries(options.sizes.map((s, i) => [s.label, users[options.users + i] as BenchUser]));
    return { users: standard, sized, rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await auth.close();
    await portfolio.close();
  }
}

async function analyze(...clients: Sql[]) {
  for (const sql of clients) await sql`analyze`;
}
