import { and, eq, inArray, isNull } from 'drizzle-orm';
import { createRequestScope } from '@nexanest/db';
import { ADVISOR_CLIENTS_PATH, InternalBadRequest, mountInternalRoute, type HttpApp, type Logger } from '@nexanest/graphql';
import type { PortfolioPool } from './db/index.ts';
import { portfolioAccess } from './db/schema/index.ts';
import { isUuid } from './ids.ts';
import { mountAnalyticsRoutes } from './analytics-routes.ts';

const OWNERS_MAX = 500;

/**
 * POST /internal/advisor-clients, body `{ advisorId, ownerIds }` signed with the shared secret:
 * auth asks which of these users granted the advisor access, to show an advisor their clients'
 * emails. Answered as the advisor under row-level security, so it can only ever see their grants.
 */
export function mountPortfolioInternalRoutes(
  app: HttpApp,
  deps: { db: PortfolioPool['db']; analyticsDb: PortfolioPool['db']; secret: string; logger: Logger },
): void {
  // The snapshot builder's ledger reads run on a pool of their own: a backfill never takes the connections requests wait for.
  mountAnalyticsRoutes(app, { ...deps, db: deps.analyticsDb });
  mountInternalRoute(app, ADVISOR_CLIENTS_PATH, { secret: deps.secret, logger: deps.logger }, async (body) => {
    const { advisorId, ownerIds } = (body ?? {}) as { advisorId?: unknown; ownerIds?: unknown };
    if (typeof advisorId !== 'string' || !isUuid(advisorId) || !Array.isArray(ownerIds) || ownerIds.length > OWNERS_MAX) throw new InternalBadRequest();
    const wanted = ownerIds.filter((id): id is string => typeof id === 'string' && isUuid(id)).map((id) => id.toLowerCase());
    if (wanted.length === 0) return { ownerIds: [] };
    const scope = createRequestScope(deps.db, { userId: advisorId.toLowerCase(), role: 'ADVISOR' });
    try {
      const rows = await (await scope.db())
        .selectDistinct({ ownerId: portfolioAccess.ownerId })
        .from(portfolioAccess)
        .where(and(eq(portfolioAccess.advisorId, advisorId.toLowerCase()), inArray(portfolioAccess.ownerId, wanted), isNull(portfolioAccess.revokedAt)));
      return { ownerIds: rows.map((row) => row.ownerId) };
    } finally {
      await scope.end();
    }
  });
}
