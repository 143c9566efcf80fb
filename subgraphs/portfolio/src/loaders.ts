import DataLoader from 'dataloader';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { hasScope, type Identity } from '@nexanest/graphql';
import type { PortfolioDb } from './db/index.ts';
import { cashBalances, holdings, portfolios, type CashBalanceRow, type HoldingRow, type PortfolioRow } from './db/schema/index.ts';
import { idKey, isUuid } from './ids.ts';

/**
 * Per-request loaders, scoped to the caller: a portfolio or holding the caller does not own
 * loads as null, exactly like one that does not exist. Each loader sends one statement per
 * batch, so a dashboard of any number of portfolios and holdings costs a constant number of
 * statements.
 */
export interface Loaders {
  /** Owned portfolios by id; null for missing or not owned. */
  portfolioById: DataLoader<string, PortfolioRow | null>;
  /** Portfolios by owner id, oldest first. */
  portfoliosByOwner: DataLoader<string, PortfolioRow[]>;
  /** Non-zero holdings by portfolio id, by symbol. Callers pass only owned portfolios. */
  holdingsByPortfolio: DataLoader<string, HoldingRow[]>;
  /** Non-zero cash balances by portfolio id, by currency. Callers pass only owned portfolios. */
  cashByPortfolio: DataLoader<string, CashBalanceRow[]>;
  /** Holdings of owned portfolios by id; null for missing or not owned. */
  holdingById: DataLoader<string, HoldingRow | null>;
  /** The caller's non-zero holdings by upper-case symbol, across their portfolios. */
  myHoldingsBySymbol: DataLoader<string, HoldingRow[]>;
}

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(idKey(key)) ?? []);
}

function pick<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(idKey(key)) ?? null);
}

export function createLoaders(db: PortfolioDb, identity: Identity | null): Loaders {
  // An API key without portfolio:read sees nothing, exactly as if there were nothing.
  const ownerId = identity && isUuid(identity.userId) && hasScope(identity, 'portfolio:read') ? identity.userId : null;

  const portfolioById = new DataLoader<string, PortfolioRow | null>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (!ownerId || wanted.length === 0) return ids.map(() => null);
    const rows = await db
      .select()
      .from(portfolios)
      .where(and(inArray(portfolios.id, wanted), eq(portfolios.ownerId, ownerId)));
    return pick(ids, rows, (row) => row.id);
  });

  const portfoliosByOwner = new DataLoader<string, PortfolioRow[]>(async (owners) => {
    const wanted = owners.filter(isUuid);
    if (wanted.length === 0) return owners.map(() => []);
    const rows = await db.select().from(portfolios).where(inArray(portfolios.ownerId, wanted)).orderBy(asc(portfolios.createdAt), asc(portfolios.id));
    // Holdings ask for their portfolio next (market's @requires); answer from this batch.
    for (const row of rows) portfolioById.prime(row.id, row);
    return groupBy(owners, rows, (row) => row.ownerId);
  });

  const holdingsByPortfolio = new DataLoader<string, HoldingRow[]>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (wanted.length === 0) return ids.map(() => []);
    const rows = await db
      .select()
      .from(holdings)
      .where(and(inArray(holdings.portfolioId, wanted), ne(holdings.quantity, '0')))
      .orderBy(asc(holdings.symbol));
    return groupBy(ids, rows, (row) => row.portfolioId);
  });

  const cashByPortfolio = new DataLoader<string, CashBalanceRow[]>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (wanted.length === 0) return ids.map(() => []);
    const rows = await db
      .select()
      .from(cashBalances)
      .where(and(inArray(cashBalances.portfolioId, wanted), ne(cashBalances.amount, '0')))
      .orderBy(asc(cashBalances.currency));
    return groupBy(ids, rows, (row) => row.portfolioId);
  });

  const holdingById = new DataLoader<string, HoldingRow | null>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (!ownerId || wanted.length === 0) return ids.map(() => null);
    const rows = await db
      .select({ holding: holdings })
      .from(holdings)
      .innerJoin(portfolios, eq(portfolios.id, holdings.portfolioId))
      .where(and(inArray(holdings.id, wanted), eq(portfolios.ownerId, ownerId)));
    return pick(
      ids,
      rows.map((row) => row.holding),
      (row) => row.id,
    );
  });

  const myHoldingsBySymbol = new DataLoader<string, HoldingRow[]>(async (symbols) => {
    if (!ownerId) return symbols.map(() => []);
    const rows = await db
      .select({ holding: holdings })
      .from(holdings)
      .innerJoin(portfolios, eq(portfolios.id, holdings.portfolioId))
      .where(and(inArray(holdings.symbol, [...symbols]), eq(portfolios.ownerId, ownerId), ne(holdings.quantity, '0')))
      .orderBy(asc(portfolios.createdAt), asc(portfolios.id));
    const bySymbol = new Map<string, HoldingRow[]>();
    for (const { holding } of rows) bySymbol.set(holding.symbol, [...(bySymbol.get(holding.symbol) ?? []), holding]);
    return symbols.map((symbol) => bySymbol.get(symbol) ?? []);
  });

  return { portfolioById, portfoliosByOwner, holdingsByPortfolio, cashByPortfolio, holdingById, myHoldingsBySymbol };
}
