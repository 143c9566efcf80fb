import { and, asc, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { InternalBadRequest, LEDGER_DIGESTS_PATH, LEDGER_PATH, mountInternalRoute, type HttpApp, type Logger } from '@nexanest/graphql';
import type { PortfolioDb, PortfolioPool } from './db/index.ts';
import { portfolios, transactions } from './db/schema/index.ts';
import { isUuid } from './ids.ts';

const PAGE_MAX = 500;

/** Reads as the analytics service: the one setting the portfolios/transactions read policies of 0007 accept. */
const asAnalytics = <T>(db: PortfolioPool['db'], fn: (tx: PortfolioDb) => Promise<T>): Promise<T> =>
  db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.service', 'analytics', true)`);
    return fn(tx);
  });

/** What identifies a ledger entry's effect; any change to it changes the day's digest. */
const ENTRY_TEXT = sql`${transactions.id}::text || '|' || ${transactions.type} || '|' || coalesce(${transactions.symbol}, '') || '|' ||
  coalesce(${transactions.quantity}::text, '') || '|' || ${transactions.amount}::text || '|' || ${transactions.currency} || '|' ||
  extract(epoch from ${transactions.executedAt})::text`;
const DAY = sql<string>`to_char(${transactions.executedAt} at time zone 'UTC', 'YYYY-MM-DD')`;

/**
 * Signed routes for the analytics snapshot builder, which never opens this database:
 *
 * - LEDGER_DIGESTS_PATH `{ after?, limit, portfolioIds? }`: portfolios by id (a page after `after`,
 *   or the ones named), each with one md5 digest per UTC day of its ledger. Analytics compares them
 *   with the digests it built from: the first day that differs is where its snapshots went stale
 *   (a back-dated entry, a deleted one, a new one).
 * - LEDGER_PATH `{ portfolioId }`: the portfolio and its whole ledger in ledger order; 404 if none.
 *
 * Both read under row-level security as `app.service = analytics` (read-only policies).
 */
export function mountAnalyticsRoutes(app: HttpApp, deps: { db: PortfolioPool['db']; secret: string; logger: Logger }): void {
  const options = { secret: deps.secret, logger: deps.logger };

  mountInternalRoute(app, LEDGER_DIGESTS_PATH, options, async (body) => {
    const { after, limit, portfolioIds } = (body ?? {}) as { after?: unknown; limit?: unknown; portfolioIds?: unknown };
    if (after !== undefined && after !== null && (typeof after !== 'string' || !isUuid(after))) throw new InternalBadRequest();
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) throw new InternalBadRequest();
    if (
      portfolioIds !== undefined &&
      (!Array.isArray(portfolioIds) || portfolioIds.length > PAGE_MAX || !portfolioIds.every((id) => typeof id === 'string' && isUuid(id)))
    )
      throw new InternalBadRequest();
    const filters: SQL[] = [];
    if (typeof after === 'string') filters.push(gt(portfolios.id, after.toLowerCase()));
    if (Array.isArray(portfolioIds))
      filters.push(
        inArray(
          portfolios.id,
          (portfolioIds as string[]).map((id) => id.toLowerCase()),
        ),
      );
    return asAnalytics(deps.db, async (tx) => {
      const page = await tx
        .select({ id: portfolios.id, ownerId: portfolios.ownerId, baseCurrency: portfolios.baseCurrency })
        .from(portfolios)
        .where(filters.length > 0 ? and(...filters) : undefined)
        .orderBy(asc(portfolios.id))
        .limit(limit);
      if (page.length === 0) return { portfolios: [] };
      const days = await tx
        .select({ portfolioId: transactions.portfolioId, day: DAY, digest: sql<string>`md5(string_agg(${ENTRY_TEXT}, ',' order by ${transactions.id}))` })
        .from(transactions)
        .where(
          inArray(
            transactions.portfolioId,
            page.map((row) => row.id),
          ),
        )
        .groupBy(transactions.portfolioId, DAY)
        .orderBy(asc(DAY));
      return {
        portfolios: page.map((row) => ({
          ...row,
          days: days.filter((day) => day.portfolioId === row.id).map(({ day, digest }) => ({ day, digest })),
        })),
      };
    });
  });

  mountInternalRoute(app, LEDGER_PATH, options, async (body) => {
    const { portfolioId } = (body ?? {}) as { portfolioId?: unknown };
    if (typeof portfolioId !== 'string' || !isUuid(portfolioId)) throw new InternalBadRequest();
    const id = portfolioId.toLowerCase();
    return asAnalytics(deps.db, async (tx) => {
      const [portfolio] = await tx
        .select({ id: portfolios.id, ownerId: portfolios.ownerId, baseCurrency: portfolios.baseCurrency })
        .from(portfolios)
        .where(inArray(portfolios.id, [id]));
      if (!portfolio) return null;
      const entries = await tx
        .select({
          id: transactions.id,
          type: transactions.type,
          symbol: transactions.symbol,
          quantity: transactions.quantity,
          amount: transactions.amount,
          currency: transactions.currency,
          executedAt: transactions.executedAt,
        })
        .from(transactions)
        .where(inArray(transactions.portfolioId, [id]))
        .orderBy(asc(transactions.executedAt), asc(transactions.createdAt), asc(transactions.id));
      return { portfolio, transactions: entries.map((entry) => ({ ...entry, executedAt: entry.executedAt.toISOString() })) };
    });
  });
}
