import { createHmac } from 'node:crypto';

/**
 * The stable pseudonym an erased user keeps in the audit trail: a keyed hash of their id, so the
 * same user always maps to the same pseudonym while the id cannot be recovered or guessed from it
 * without the key (AUDIT_PSEUDONYM_SECRET).
 */
export const pseudonymFor = (secret: string, userId: string): string =>
  `anon_${createHmac('sha256', secret).update(userId.toLowerCase()).digest('hex').slice(0, 32)}`;
