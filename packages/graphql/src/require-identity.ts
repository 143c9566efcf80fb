import { unauthenticated } from './errors.ts';
import type { Identity } from './identity.ts';

/** Narrows a request's identity, answering UNAUTHENTICATED when nobody is signed in. */
export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw unauthenticated();
  return identity;
}
