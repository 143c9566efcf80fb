import { badInput, type Identity } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { portfolios, type PortfolioRow } from '../db/schema/index.ts';
import { isSupportedCurrency } from '../domain/index.ts';
import { isUuid } from '../ids.ts';

export interface CreatePortfolioInput {
  name: string;
  description?: string | null;
  portfolioType: string;
  baseCurrency: string;
}

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 1000;

/** A portfolio name, trimmed: 1 to NAME_MAX characters. */
export function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > NAME_MAX) throw badInput(`name must be 1 to ${NAME_MAX} characters`, 'name');
  return trimmed;
}

/** A description, trimmed; blank is none. */
export function checkDescription(description: string | null | undefined): string | null {
  const trimmed = description?.trim() || null;
  if (trimmed && trimmed.length > DESCRIPTION_MAX) throw badInput(`description must be at most ${DESCRIPTION_MAX} characters`, 'description');
  return trimmed;
}

/** Creates a portfolio owned by the caller after checking name, description and currency. */
export async function createPortfolio(db: PortfolioDb, identity: Identity, input: CreatePortfolioInput): Promise<PortfolioRow> {
  const name = checkName(input.name);
  const description = checkDescription(input.description);
  if (!isSupportedCurrency(input.baseCurrency)) throw badInput(`Unknown currency ${JSON.stringify(input.baseCurrency)}`, 'baseCurrency');
  // Identities come from auth, whose user ids are UUIDs; anything else is a broken token.
  if (!isUuid(identity.userId)) throw new Error('identity carries a user id that is not a UUID');
  const [row] = await db
    .insert(portfolios)
    .values({ ownerId: identity.userId, name, description, portfolioType: input.portfolioType, baseCurrency: input.baseCurrency })
    .returning();
  if (!row) throw new Error('insert into portfolios returned no row');
  return row;
}
