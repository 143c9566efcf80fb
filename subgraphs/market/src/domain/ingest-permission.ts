import { forbidden, requireIdentity, type Identity } from '@nexanest/graphql';

/** Scope an API key needs to push prices. */
export const MARKET_WRITE_SCOPE = 'market:write';

/**
 * Feeds push prices with an API key scoped market:write; administrators may push too. A key
 * is held to its scopes, whatever its owner's role: a key without market:write may not ingest.
 */
export function assertMayIngest(identity: Identity | null): void {
  const caller = requireIdentity(identity);
  if (caller.scopes) {
    if (!caller.scopes.includes(MARKET_WRITE_SCOPE)) throw forbidden('Needs an API key with the market:write scope');
    return;
  }
  if (caller.role !== 'ADMIN' && caller.role !== 'SUPERUSER') throw forbidden('Only administrators and market-data feeds may ingest prices');
}
