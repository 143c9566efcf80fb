import { AsyncLocalStorage } from 'node:async_hooks';
import express from 'express';
import {
  API_KEY_VERIFY_PATH,
  CLIENT_IP_HEADER,
  CLIENT_IP_SIGNATURE_HEADER,
  INTERNAL_SIGNATURE_HEADER,
  verifyInternalSignature,
  type Logger,
} from '@nexanest/graphql';
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
  app.post(API_KEY_VERIFY_PATH, express.raw({ type: () => true, limit: '4kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyInternalSignature(raw, req.headers[INTERNAL_SIGNATURE_HEADER], options.secret)) {
      res.status(401).json({});
      return;
    }
    let secret: unknown;
    try {
      secret = (JSON.parse(raw.toString('utf8')) as { secret?: unknown }).secret;
    } catch {
      secret = undefined;
    }
    if (typeof secret !== 'string') {
      res.status(400).json({});
      return;
    }
    try {
      const verified = await verifyApiKeySecret(deps, secret);
      if (!verified) {
        res.status(404).json({});
        return;
      }
      res.json(verified);
    } catch (error) {
      // Never log the body: it is the secret.
      options.logger.error({ err: { message: (error as Error).message } }, 'api key verification failed');
      res.status(500).json({});
    }
  });
}
