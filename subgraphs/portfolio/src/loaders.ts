import DataLoader from 'dataloader';
import { and, asc, eq, inArray, isNull, ne, or, type SQL } from 'drizzle-orm';
import { hasScope, type Identity } from '@nexanest/graphql';
import type { PortfolioDb } from './db/index.ts';
import { cashBalances, holdings, portfolioAccess, portfolios, type CashBalanceRow, type HoldingRow, type PortfolioRow } from './db/schema/index.ts';
import { idKey, isUuid } from './ids.ts';
import { createWatchlistLoaders, type WatchlistLoaders } from './watchlist-loaders.ts';
import { createPlanningLoaders, type PlanningLoaders } from './planning-loaders.ts';

/**
 * Per-request loaders, scoped to the caller: a portfolio or holding the caller may not read
 * loads as null, exactly like one that does not exist. Each loader sends one statement per
 * batch, so a dashboard of any number of portfolios and holdings costs a constant number of
 * statements. The database's row-level security enforces the same rules underneath.
 */
export interface Loaders extends WatchlistLoaders, PlanningLoaders {
  /** Readable portfolios by id (owned, or granted to the calling advisor); null otherwise. */
  portfolioById: DataLoader<string, PortfolioRow | null>;
  /** Portfolios by owner id, oldest first. */
  portfoliosByOwner: DataLoader<string, PortfolioRow[]>;
  /** Non-zero holdings by portfolio id, by symbol. Callers pass only readable portfolios. */
  holdingsByPortfolio: DataLoader<string, HoldingRow[]>;
  /** Non-zero cash balances by portfolio id, by currency. Callers pass only readable portfolios. */
  cashByPortfolio: DataLoader<string, CashBalanceRow[]>;
  /** Holdings of readable portfolios by id; null for missing or not readable. */
  holdingById: DataLoader<string, HoldingRow | null>;
  /** The caller's non-zero holdings by upper-case symbol, across their portfolios. */
  myHoldingsBySymbol: DataLoader<string, HoldingRow[]>;
  /** Portfolios whose owners granted this advisor access (unrevoked), oldest grant first. */
  portfoliosGrantedTo: DataLoader<string, PortfolioRow[]>;
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

export function createLoaders(db: () => Promise<PortfolioDb>, identity: Identity | null): Loaders {
  // An API key without portfolio:read sees nothing, exactly as if there were nothing.
  const readerId = identity && isUuid(identity.userId) && hasScope(identity, 'portfolio:read') ? identity.userId.toLowerCase() : null;
  // Advisors also read the portfolios their clients granted them (read-only: writes check the owner).
  const advisorId = readerId && identity?.role === 'ADVISOR' ? readerId : null;

  const readable = async (): Promise<SQL> => {
    const owned = eq(portfolios.ownerId, readerId as string);
    if (!advisorId) return owned;
    const grants = (await db())
      .select({ portfolioId: portfolioAccess.portfolioId })
      .from(portfolioAccess)
      .where(and(eq(portfolioAccess.advisorId, advisorId), isNull(portfolioAccess.revokedAt)));
    return or(owned, inArray(portfolios.id, grants)) as SQL;
  };

  const portfolioById = new DataLoader<string, PortfolioRow | null>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (!readerId || wanted.length === 0) return ids.map(() => null);
    const rows = await (await db())
      .select()
      .from(portfolios)
      .where(and(inArray(portfolios.id, wanted), await readable()));
    return pick(ids, rows, (row) => row.id);
  });

  const portfoliosByOwner = new DataLoader<string, PortfolioRow[]>(async (owners) => {
    const wanted = owners.filter(isUuid);
    if (wanted.length === 0) return owners.map(() => []);
    const rows = await (await db()).select().from(portfolios).where(inArray(portfolios.ownerId, wanted)).orderBy(asc(portfolios.createdAt), asc(portfolios.id));
    // Holdings ask for their portfolio next (market's @requires); answer from this batch.
    for (const row of rows) portfolioById.prime(row.id, row);
    return groupBy(owners, rows, (row) => row.ownerId);
  });

  const holdingsByPortfolio = new DataLoader<string, HoldingRow[]>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (wanted.length === 0) return ids.map(() => []);
    const rows = await (await db())
      .select()
      .from(holdings)
      .where(and(inArray(holdings.portfolioId, wanted), ne(holdings.quantity, '0')))
      .orderBy(asc(holdings.symbol));
    return groupBy(ids, rows, (row) => row.portfolioId);
  });

  const cashByPortfolio = new DataLoader<string, CashBalanceRow[]>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (wanted.length === 0) return ids.map(() => []);
    const rows = await (await db())
      .select()
      .from(cashBalances)
      .where(and(inArray(cashBalances.portfolioId, wanted), ne(cashBalances.amount, '0')))
      .orderBy(asc(cashBalances.currency));
    return groupBy(ids, rows, (row) => row.portfolioId);
  });

  const holdingById = new DataLoader<string, HoldingRow | null>(async (ids) => {
    const wanted = ids.filter(isUuid);
    if (!readerId || wanted.length === 0) return ids.map(() => null);
    const rows = await (await db())
      .select({ holding: holdings })
      .from(holdings)
      .innerJoin(portfolios, eq(portfolios.id, holdings.portfolioId))
      .where(and(inArray(holdings.id, wanted), await readable()));
    return pick(
      ids,
      rows.map((row) => row.holding),
      (row) => row.id,
    );
  });

  const myHoldingsBySymbol = new DataLoader<string, HoldingRow[]>(async (symbols) => {
    if (!readerId) return symbols.map(() => []);
    const rows = await (await db())
      .select({ holding: holdings })
      .from(holdings)
      .innerJoin(portfolios, eq(portfolios.id, holdings.portfolioId))
      .where(and(inArray(holdings.symbol, [...symbols]), eq(portfolios.ownerId, readerId), ne(holdings.quantity, '0')))
      .orderBy(asc(portfolios.createdAt), asc(portfolios.id));
    const bySymbol = new Map<string, HoldingRow[]>();
    for (const { holding } of rows) bySymbol.set(holding.symbol, [...(bySymbol.get(holding.symbol) ?? []), holding]);
    return symbols.map((symbol) => bySymbol.get(symbol) ?? []);
  });

  const portfoliosGrantedTo = new DataLoader<string, PortfolioRow[]>(async (advisors) => {
    const wanted = advisors.filter(isUuid).map(idKey);
    if (wanted.length === 0) return advisors.map(() => []);
    const rows = await (await db())
      .select({ portfolio: portfolios, advisorId: portfolioAccess.advisorId })
      .from(portfolioAccess)
      .innerJoin(portfolios, eq(portfolios.id, portfolioAccess.portfolioId))
      .where(and(inArray(portfolioAccess.advisorId, wanted), isNull(portfolioAccess.revokedAt)))
      .orderBy(asc(portfolioAccess.grantedAt), asc(portfolios.id));
    for (const { portfolio } of rows) portfolioById.prime(portfolio.id, portfolio);
    return groupBy(advisors, rows, (row) => row.advisorId).map((group) => group.map((row) => row.portfolio));
  });

  return {
    portfolioById,
    portfoliosByOwner,
    holdingsByPortfolio,
    cashByPortfolio,
    holdingById,
    myHoldingsBySymbol,
    portfoliosGrantedTo,
    ...createWatchlistLoaders(db, readerId),
    ...createPlanningLoaders(db, portfolioById),
  };
}
