import express from 'express';
import {
  ADVISOR_LOOKUP_PATH,
  API_KEY_VERIFY_PATH,
  CLIENT_IP_HEADER,
  CLIENT_IP_SIGNATURE_HEADER,
  InternalBadRequest,
  mountInternalRoute,
  verifyInternalSignature,
  type Logger,
} from '@nexanest/graphql';
import { findAdvisorByEmail } from './advisors.ts';
import { verifyApiKeySecret } from './api-keys.ts';
import type { AuthDeps } from './context.ts';

/** The client IP the gateway vouched for on this request (signed x-nexanest-client-ip), or null. */
export function trustedClientIp(headers: Record<string, string | string[] | undefined> | undefined, secret: string): string | null {
  const ip = headers?.[CLIENT_IP_HEADER];
  const trusted = typeof ip === 'string' && ip.length <= 64 && verifyInternalSignature(`client-ip:${ip}`, headers?.[CLIENT_IP_SIGNATURE_HEADER], secret);
  return trusted ? ip : null;
}

/**
 * Internal routes of the auth service, mounted by `listen` before /graphql:
 * - POST /internal/api-keys/verify, body `{ "secret": "nn_..." }`, header x-nexanest-internal =
 *   hex HMAC-SHA256(raw body, GATEWAY_IDENTITY_SECRET). 200 `{ userId, role, scopes, keyId }`;
 *   404 `{}` for an unknown, revoked or expired key; 401 `{}` for a bad signature; 400 `{}` for a bad body.
 * - POST /internal/users/advisor, body `{ "email": "..." }`, signed the same way (portfolio asks it
 *   when an owner grants access). 200 `{ id }` for an ADVISOR with that email; 404 `{}` otherwise.
 * On /graphql, a signed x-nexanest-client-ip becomes the request's client IP (per-IP throttling):
 * see `trustedClientIp`, which auth's context function calls.
 */
export function mountInternalRoutes(app: express.Express, deps: AuthDeps, options: { secret: string; logger: Logger }) {
  const signed = { secret: options.secret, logger: options.logger, limit: '4kb' };
  mountInternalRoute(app, API_KEY_VERIFY_PATH, signed, async (body) => {
    const secret = (body as { secret?: unknown } | null)?.secret;
    if (typeof secret !== 'string') throw new InternalBadRequest();
    return verifyApiKeySecret(deps, secret);
  });
  mountInternalRoute(app, ADVISOR_LOOKUP_PATH, signed, async (body) => {
    const email = (body as { email?: unknown } | null)?.email;
    if (typeof email !== 'string' || email.length > 320) throw new InternalBadRequest();
    return findAdvisorByEmail(deps, email);
  });
}
