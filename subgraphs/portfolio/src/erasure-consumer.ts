import { startErasureConsumer, type RedisTarget } from '@nexanest/bus';
import { createPool } from '@nexanest/db';
import { eq } from 'drizzle-orm';
import type { Logger } from '@nexanest/graphql';
import type { PortfolioCache } from './cache/portfolio-cache.ts';
import { schema, type PortfolioDb } from './db/index.ts';
import { portfolios } from './db/schema/index.ts';
import { assertNoUnpublishedEvents, eraseUserPortfolios } from './services/personal-data.ts';

/** portfolio's consumer group for erasure. */
export const PORTFOLIO_ERASURE_GROUP = 'portfolio.erasure';

/**
 * Erases a deleted user's portfolio data, on the owner's connection (row-level security does not
 * apply to the system). Deletes are idempotent, so a redelivered event changes nothing; while
 * outbox events naming the user are unpublished, it fails after erasing the rest and the event is
 * handled again once they are out.
 */
export function erasePortfolioUser(db: PortfolioDb, cache: PortfolioCache | null) {
  return async ({ userId }: { userId: string }) => {
    const owned = await db.select({ id: portfolios.id }).from(portfolios).where(eq(portfolios.ownerId, userId));
    await db.transaction((tx) => eraseUserPortfolios(tx, userId));
    // The cache holds copies of the erased rows: they go too, not at the end of their TTL.
    await cache?.purge({ portfolios: owned.map((row) => row.id), owners: [userId] });
    await assertNoUnpublishedEvents(db, userId);
  };
}

/** Starts the erasure consumer with its own owner connections and Redis client; `stop` releases them. */
export async function startPortfolioErasure(options: {
  ownerUrl: string;
  redis: RedisTarget;
  namespace: string;
  logger: Logger;
  cache?: PortfolioCache | null;
}): Promise<{ stop(): Promise<void> }> {
  const owner = createPool({ url: options.ownerUrl, max: 2, schema, applicationName: 'portfolio-erasure' });
  return startErasureConsumer({
    ...options,
    group: PORTFOLIO_ERASURE_GROUP,
    erase: erasePortfolioUser(owner.db, options.cache ?? null),
    release: () => owner.close(),
  });
}
