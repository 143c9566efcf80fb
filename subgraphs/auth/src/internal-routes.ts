import { AsyncLocalStorage } from 'node:async_hooks';
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

const clientIpStore = new AsyncLocalStorage<string | null>();

/** The gateway-vouched client IP of the request being handled, or null. */
export const currentClientIp = () => clientIpStore.getStore() ?? null;

/**
 * Internal routes of the auth service, mounted by `listen` before /graphql:
 * - POST /internal/api-keys/verify, body `{ "secret": "nn_..." }`, header x-nexanest-internal =
 *   hex HMAC-SHA256(raw body, GATEWAY_IDENTITY_SECRET). 200 `{ userId, role, scopes, keyId }`;
 *   404 `{}` for an unknown, revoked or expired key; 401 `{}` for a bad signature; 400 `{}` for a bad body.
 * - POST /internal/users/advisor, body `{ "email": "..." }`, signed the same way (portfolio asks it
 *   when an owner grants access). 200 `{ id }` for an ADVISOR with that email; 404 `{}` otherwise.
 * - On /graphql: a signed x-nexanest-client-ip becomes the request's client IP (per-IP throttling).
 */
export function mountInternalRoutes(app: express.Express, deps: AuthDeps, options: { secret: string; logger: Logger; bodyLimit?: string }) {
  // The body is parsed here (listen's parser then skips it) so that everything after the
  // AsyncLocalStorage.run below, Apollo's context function included, runs inside it.
  app.use('/graphql', express.json({ limit: options.bodyLimit ?? '1mb' }), (req, _res, next) => {
    const ip = req.headers[CLIENT_IP_HEADER];
    const trusted =
      typeof ip === 'string' && ip.length <= 64 && verifyInternalSignature(`client-ip:${ip}`, req.headers[CLIENT_IP_SIGNATURE_HEADER], options.secret);
    clientIpStore.run(trusted ? ip : null, next);
  });
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
