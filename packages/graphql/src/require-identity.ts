import { forbidden, unauthenticated } from './errors.ts';
import type { Identity } from './identity.ts';

/** Narrows a request's identity, answering UNAUTHENTICATED when nobody is signed in. */
export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw unauthenticated();
  return identity;
}

/** True when the caller may use `scope`: a signed-in user may; an API key only with that scope. */
export const hasScope = (identity: Identity | null, scope: string) => identity !== null && (!identity.scopes || identity.scopes.includes(scope));

/** An API key may act only within its scopes (FORBIDDEN otherwise); a signed-in user always may. */
export function requireScope(identity: Identity | null, scope: string): Identity {
  const caller = requireIdentity(identity);
  if (!hasScope(caller, scope)) throw forbidden(`This API key lacks the ${scope} scope`);
  return caller;
}

/** Account management (profile, keys, roles) needs a signed-in user; API keys are refused. */
export function requireSignedInUser(identity: Identity | null): Identity {
  const caller = requireIdentity(identity);
  if (caller.scopes) throw forbidden('API keys cannot manage accounts');
  return caller;
}
