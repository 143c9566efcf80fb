import DataLoader from 'dataloader';
import { and, asc, eq, inArray, isNull, ne, or, type SQL } from 'drizzle-orm';
import { hasScope, type Identity, type Logger } from '@nexanest/graphql';
import { cacheAside, type RequestCache } from './cache/request-cache.ts';
import type { PortfolioDb } from './db/index.ts';
import { cashBalances, holdings, portfolioAccess, portfolios, type CashBalanceRow, type HoldingRow, type PortfolioRow } from './db/schema/index.ts';
import { groupBy, groupMap, pick } from './grouping.ts';
import { idKey, isUuid } from './ids.ts';
import { createWatchlistLoaders, type WatchlistLoaders } from './watchlist-loaders.ts';
import { createPlanningLoaders, type PerPortfolioRead, type PlanningLoaders } from './planning-loaders.ts';
import { listTransactions, type TransactionConnection } from './services/list-transactions.ts';

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
  /** The first page of a readable portfolio's ledger, by `<portfolioId>|<first>`. */
  firstLedgerPage: DataLoader<string, TransactionConnection>;
}

/**
 * Built per request. With a cache (`requestCache.active()`), the portfolio row, holdings, cash,
 * goals, allocation rules and the owner's list come from Redis when they are there. Access is never
 * cached: a cached row is served only to its owner (anyone else is checked by the database, as
 * before), and the per-portfolio lists only for a portfolio this request has already found readable.
 */
export function createLoaders(db: () => Promise<PortfolioDb>, identity: Identity | null, caching?: { cache: RequestCache; logger: Logger }): Loaders {
  const cache = () => caching?.cache.active() ?? null;
  const logger = caching?.logger;
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
    const wanted = [...new Set(ids.filter(isUuid).map(idKey))];
    if (!readerId || wanted.length === 0) return ids.map(() => null);
    const readFromDb = async (missing: string[]) =>
      (await db())
        .select()
        .from(portfolios)
        .where(and(inArray(portfolios.id, missing), await readable()));
    const active = cache();
    if (!active) return pick(ids, await readFromDb(wanted), (row) => row.id);
    let read: Awaited<ReturnType<typeof active.read<PortfolioRow>>> | null = null;
    try {
      read = await active.read<PortfolioRow>('p', 'row', wanted);
    } catch (error) {
      logger?.warn({ err: { message: (error as Error).message } }, 'portfolio cache read failed');
    }
    // Only the owner is served from the cache; an advisor's access is decided by the database.
    const served = [...(read?.hits.values() ?? [])].filter((row) => row.ownerId === readerId);
    const missing = wanted.filter((id) => !served.some((row) => row.id === id));
    const loaded = missing.length > 0 ? await readFromDb(missing) : [];
    if (read)
      await active.write(
        'p',
        'row',
        loaded.map((row) => ({ id: row.id, generation: read.generations.get(row.id) ?? '0', value: row })),
      );
    return pick(ids, [...served, ...loaded], (row) => row.id);
  });

  /** Holdings and cash come from the cache only for portfolios this request may read. */
  const readableIds = async (ids: readonly string[]) => {
    const rows = await portfolioById.loadMany(ids.filter(isUuid).map(idKey));
    return new Set(rows.flatMap((row) => (row && !(row instanceof Error) ? [row.id] : [])));
  };

  const portfoliosByOwner = new DataLoader<string, PortfolioRow[]>(async (owners) => {
    const wanted = [...new Set(owners.filter(isUuid).map(idKey))];
    if (wanted.length === 0) return owners.map(() => []);
    // Lists are cached for the owner reading their own list only.
    const own = wanted.filter((id) => id === readerId);
    const lists = await cacheAside(cache(), logger, { kind: 'o', part: 'list' }, own, async (missing) => {
      const rows = await (await db())
        .select()
        .from(portfolios)
        .where(inArray(portfolios.ownerId, missing))
        .orderBy(asc(portfolios.createdAt), asc(portfolios.id));
      return groupMap(missing, rows, (row) => row.ownerId);
    });
    const others = wanted.filter((id) => id !== readerId);
    if (others.length > 0) {
      const rows = await (await db())
        .select()
        .from(portfolios)
        .where(inArray(portfolios.ownerId, others))
        .orderBy(asc(portfolios.createdAt), asc(portfolios.id));
      for (const [id, group] of groupMap(others, rows, (row) => row.ownerId)) lists.set(id, group);
    }
    // Holdings ask for their portfolio next (market's @requires); answer from this batch.
    for (const rows of lists.values()) for (const row of rows) portfolioById.prime(row.id, row);
    return owners.map((owner) => lists.get(idKey(owner)) ?? []);
  });

  /** A per-portfolio list through the cache, for readable portfolios only; the database's own rules otherwise. */
  const perPortfolio: PerPortfolioRead = async (part, ids, load) => {
    const wanted = [...new Set(ids.filter(isUuid).map(idKey))];
    if (wanted.length === 0) return ids.map(() => []);
    const active = cache();
    if (!active) {
      const found = await load(wanted);
      return ids.map((id) => found.get(idKey(id)) ?? []);
    }
    const allowed = await readableIds(wanted);
    const found = await cacheAside(active, logger, { kind: 'p', part }, [...allowed], load);
    return ids.map((id) => found.get(idKey(id)) ?? []);
  };

  const holdingsByPortfolio = new DataLoader<string, HoldingRow[]>((ids) =>
    perPortfolio('holdings', ids, async (wanted) => {
      const rows = await (await db())
        .select()
        .from(holdings)
        .where(and(inArray(holdings.portfolioId, wanted), ne(holdings.quantity, '0')))
        .orderBy(asc(holdings.symbol));
      return groupMap(wanted, rows, (row) => row.portfolioId);
    }),
  );

  const cashByPortfolio = new DataLoader<string, CashBalanceRow[]>((ids) =>
    perPortfolio('cash', ids, async (wanted) => {
      const rows = await (await db())
        .select()
        .from(cashBalances)
        .where(and(inArray(cashBalances.portfolioId, wanted), ne(cashBalances.amount, '0')))
        .orderBy(asc(cashBalances.currency));
      return groupMap(wanted, rows, (row) => row.portfolioId);
    }),
  );

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

  // The hot first page (and its count) is cached with the portfolio's other ledger-derived data.
  const firstLedgerPage = new DataLoader<string, TransactionConnection>(async (keys) => {
    const pages = await Promise.all(
      keys.map(async (key) => {
        const [portfolioId = '', first = ''] = key.split('|');
        const readable = (await readableIds([portfolioId])).has(idKey(portfolioId));
        const load = async (ids: string[]) =>
          new Map(await Promise.all(ids.map(async (id) => [id, await listTransactions(await db(), id, { first: Number(first) })] as const)));
        const found = await cacheAside(readable ? cache() : null, logger, { kind: 'p', part: `ledger-page:${first}` }, [idKey(portfolioId)], load);
        return found.get(idKey(portfolioId)) as TransactionConnection;
      }),
    );
    return pages;
  });

  return {
    firstLedgerPage,
    portfolioById,
    portfoliosByOwner,
    holdingsByPortfolio,
    cashByPortfolio,
    holdingById,
    myHoldingsBySymbol,
    portfoliosGrantedTo,
    ...createWatchlistLoaders(db, readerId),
    ...createPlanningLoaders(db, portfolioById, perPortfolio),
  };
}
