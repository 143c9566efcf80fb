import express, { type Request, type Response } from 'express';
import type { Logger } from '@nexanest/graphql';
import { loadPlaygroundAssets } from './assets.ts';
import { PLAYGROUND_CSP, renderPlaygroundPage } from './page.ts';

export const PLAYGROUND_ASSETS_PATH = '/playground/assets';

export interface PlaygroundRouterOptions {
  /** Where the GraphQL endpoint is mounted (HTTP and graphql-ws). */
  graphqlPath: string;
  logger: Logger;
}

/**
 * A GET that a browser sends when navigating: it prefers HTML to the GraphQL media types. curl,
 * fetch and GraphQL clients (Accept `*` or JSON) are left to Apollo Server.
 */
export const wantsHtml = (req: Request) => req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';

/**
 * GraphiQL at `/` and, for a browser, at the GraphQL path; its bundle under /playground/assets.
 * Only static files are served here: operations still go through Apollo Server and its CSRF checks.
 */
export function createPlaygroundRouter(options: PlaygroundRouterOptions) {
  const router = express.Router();
  let announced = false;
  const assets = async () => {
    const built = await loadPlaygroundAssets();
    if (!announced) {
      announced = true;
      options.logger.info({ buildMs: built.buildMs, bytes: built.bytes, gzippedBytes: built.gzippedBytes }, 'playground bundle ready');
    }
    return built;
  };

  const sendPage = async (_req: Request, res: Response) => {
    try {
      const built = await assets();
      res
        // Vary: /graphql answers a browser with this page and an API client with Apollo.
        .set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', vary: 'Accept', 'content-security-policy': PLAYGROUND_CSP })
        .send(renderPlaygroundPage(built, { assetsPath: PLAYGROUND_ASSETS_PATH, graphqlPath: options.graphqlPath }));
    } catch (error) {
      // A failed bundle build, or unreadable recorded operations.
      options.logger.error({ err: error }, 'the playground page could not be served');
      res.status(500).type('text/plain').send('The playground could not be served; see the gateway log.');
    }
  };

  router.get('/', sendPage);
  router.get(options.graphqlPath, (req, res, next) => {
    if (wantsHtml(req)) return void sendPage(req, res);
    next();
  });
  router.get(`${PLAYGROUND_ASSETS_PATH}/:name`, async (req, res) => {
    const file = (await assets().catch(() => null))?.files.get(req.params.name);
    if (!file) return void res.status(404).type('text/plain').send('Not found');
    // Names carry a content hash: a new build has new names.
    res.set({ 'content-type': file.contentType, 'cache-control': 'public, max-age=31536000, immutable', vary: 'Accept-Encoding' });
    if (req.acceptsEncodings('gzip') === 'gzip') return void res.set('content-encoding', 'gzip').send(file.gzipped);
    res.send(file.body);
  });
  return router;
}
