import { and, eq, isNull, sql } from 'drizzle-orm';
import { badInput, notFound, type Identity } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { portfolioAccess, portfolios, type PortfolioRow } from '../db/schema/index.ts';
import type { AuthClient } from '../auth-client.ts';
import { isUuid } from '../ids.ts';
import { enqueueEvent, PORTFOLIO_ACCESS_GRANTED, PORTFOLIO_ACCESS_REVOKED } from '../events/outbox.ts';

const EMAIL_MAX = 320;

/** The caller's own portfolio, or NOT_FOUND (an advisor's read access is not enough to manage grants). */
async function getOwnedPortfolio(db: PortfolioDb, identity: Identity, portfolioId: string): Promise<PortfolioRow> {
  if (!isUuid(portfolioId)) throw notFound('Portfolio');
  const [row] = await db
    .select()
    .from(portfolios)
    .where(and(eq(portfolios.id, portfolioId.toLowerCase()), eq(portfolios.ownerId, identity.userId)));
  if (!row) throw notFound('Portfolio');
  return row;
}

async function getAdvisor(auth: AuthClient, identity: Identity, advisorEmail: string): Promise<{ id: string }> {
  const email = advisorEmail.trim();
  if (email.length === 0 || email.length > EMAIL_MAX || !email.includes('@')) throw badInput('advisorEmail is not an email address', 'advisorEmail');
  const advisor = await auth.findAdvisor(email);
  if (!advisor) throw notFound('Advisor');
  if (advisor.id === identity.userId) throw badInput('You cannot grant access to yourself', 'advisorEmail');
  return advisor;
}

/**
 * The owner lets an ADVISOR read one portfolio. Granting again (also after a revoke) leaves one
 * active grant. The advisor is found by email in auth; anyone who is not an advisor is NOT_FOUND.
 */
export async function grantPortfolioAccess(
  db: PortfolioDb,
  auth: AuthClient,
  identity: Identity,
  portfolioId: string,
  advisorEmail: string,
): Promise<PortfolioRow> {
  const portfolio = await getOwnedPortfolio(db, identity, portfolioId);
  const advisor = await getAdvisor(auth, identity, advisorEmail);
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ revokedAt: portfolioAccess.revokedAt })
      .from(portfolioAccess)
      .where(and(eq(portfolioAccess.portfolioId, portfolio.id), eq(portfolioAccess.advisorId, advisor.id)))
      .for('update');
    await tx
      .insert(portfolioAccess)
      .values({ portfolioId: portfolio.id, ownerId: identity.userId, advisorId: advisor.id })
      .onConflictDoUpdate({
        target: [portfolioAccess.portfolioId, portfolioAccess.advisorId],
        set: { revokedAt: null, grantedAt: sql`case when ${portfolioAccess.revokedAt} is null then ${portfolioAccess.grantedAt} else now() end` },
      });
    // Granting what is already granted changes nothing and announces nothing.
    if (!before || before.revokedAt !== null) {
      await enqueueEvent(tx, PORTFOLIO_ACCESS_GRANTED, { ownerId: identity.userId, advisorId: advisor.id, portfolioId: portfolio.id });
    }
  });
  return portfolio;
}

/** Ends an advisor's access at once (the next request of theirs reads nothing). No grant: nothing to do. */
export async function revokePortfolioAccess(
  db: PortfolioDb,
  auth: AuthClient,
  identity: Identity,
  portfolioId: string,
  advisorEmail: string,
): Promise<PortfolioRow> {
  const portfolio = await getOwnedPortfolio(db, identity, portfolioId);
  const advisor = await getAdvisor(auth, identity, advisorEmail);
  await db.transaction(async (tx) => {
    const revoked = await tx
      .update(portfolioAccess)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(portfolioAccess.portfolioId, portfolio.id), eq(portfolioAccess.advisorId, advisor.id), isNull(portfolioAccess.revokedAt)))
      .returning({ advisorId: portfolioAccess.advisorId });
    if (revoked.length > 0) {
      await enqueueEvent(tx, PORTFOLIO_ACCESS_REVOKED, { ownerId: identity.userId, advisorId: advisor.id, portfolioId: portfolio.id });
    }
  });
  return portfolio;
}
