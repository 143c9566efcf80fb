import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { REQUEST_ID_HEADER, requestIdMiddleware, singleKey, trackHttpRequests, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { mountGatewayHealth } from './health.ts';
import { authenticate, createGatewayContext, createIdentitySigner, type IdentityDeps } from './context.ts';
import { createApiKeyVerifier } from './api-keys.ts';
import { createSessionRevocations, redisTarget, type SessionRevocations } from '@nexanest/bus';
import { playgroundEnabled, queryLimitsFrom, subgraphUrlOverrides, type GatewayEnv } from './env.ts';
import { createBodyErrorHandler } from './limits/body-errors.ts';
import { createPlaygroundRouter } from './playground/playground-router.ts';
import { createGatewayServer } from './server.ts';
import { readSupergraph } from './supergraph.ts';
import { attachWebSocketServer } from './subscriptions/ws-server.ts';

export interface StartGatewayOptions {
  env: GatewayEnv;
  logger: Logger;
  /** Overrides env and supergraph routing URLs, by subgraph name. */
  subgraphUrls?: Record<string, string>;
  port?: number;
  host?: string;
  /** Shared with auth in single-process mode without Redis; otherwise built from REDIS_URL. */
  sessionRevocations?: SessionRevocations;
}

/** Starts the gateway: HTTP on /graphql, graphql-ws on the same path, health on /health, the playground at /. */
export async function startGateway(options: StartGatewayOptions): Promise<ServiceHandle & { port: number }> {
  const { env, logger } = options;
  const server = createGatewayServer({
    supergraphSdl: readSupergraph(env.SUPERGRAPH_PATH),
    urlOverrides: { ...subgraphUrlOverrides(env), ...options.subgraphUrls },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    identitySecret: env.GATEWAY_IDENTITY_SECRET,
    production: env.NODE_ENV === 'production',
    logger,
    limits: queryLimitsFrom(env),
    apqCacheBytes: env.APQ_CACHE_BYTES,
    fetchBatching: env.GATEWAY_FETCH_BATCHING === 'on',
    entityCache: env.GATEWAY_ENTITY_CACHE === 'on',
  });
  // Revocations are read from Redis DB 2, or shared in-process with auth in single-process mode.
  const ownRevocations = options.sessionRevocations ? null : createSessionRevocations({ redisUrl: redisTarget(env), namespace: env.NEXANEST_NAMESPACE });
  const identity: IdentityDeps = {
    accessTokenKeys: singleKey(env.JWT_SECRET),
    identitySecret: env.GATEWAY_IDENTITY_SECRET,
    sign: createIdentitySigner(env.GATEWAY_IDENTITY_SECRET),
    sessionRevocations: options.sessionRevocations ?? (ownRevocations as SessionRevocations),
    apiKeys: createApiKeyVerifier({ authGraphqlUrl: server.subgraphUrls.auth ?? '', secret: env.GATEWAY_IDENTITY_SECRET, timeoutMs: env.UPSTREAM_TIMEOUT_MS }),
  };
  const app = express();
  app.disable('x-powered-by');
  app.use(requestIdMiddleware());
  const httpServer = http.createServer(app);
  const requests = trackHttpRequests(httpServer);
  const ws = attachWebSocketServer({
    httpServer,
    ...server,
    identity,
    logger,
    heartbeatMs: env.WS_HEARTBEAT_MS,
    connectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
    subscriberQueueLimit: env.WS_SUBSCRIBER_QUEUE,
  });
  await server.apollo.start();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  mountGatewayHealth(app, { subgraphUrls: server.subgraphUrls, redis: redisTarget(env), timeoutMs: env.HEALTH_TIMEOUT_MS });
  const { metrics } = server;
  metrics.gauge('graphql_ws_connections', 'Open WebSocket connections.', [], (set) => set({}, ws.connections()));
  metrics.gauge('graphql_subscriptions_active', 'Active subscriptions (subscribers) and the distinct resolutions they share (groups).', ['kind'], (set) => {
    const stats = ws.hub.stats();
    set({ kind: 'subscribers' }, stats.subscribers);
    set({ kind: 'groups' }, stats.groups);
    set({ kind: 'upstream_streams' }, ws.upstreams.stats().streams);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Before Apollo: a browser's GET /graphql gets the page, everything else goes on to Apollo.
  if (playgroundEnabled(env)) app.use(createPlaygroundRouter({ graphqlPath: '/graphql', logger }));
  app.use(
    '/graphql',
    express.json({ limit: env.MAX_BODY_BYTES }),
    expressMiddleware(server.apollo, {
      context: async ({ req }) => {
        const apiKey = req.headers['x-api-key'];
        const caller = await authenticate({ authorization: req.headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined }, identity);
        const requestId = req.headers[REQUEST_ID_HEADER];
        return createGatewayContext(caller?.identity ?? null, identity, {
          clientIp: req.socket.remoteAddress ?? null,
          ...(typeof requestId === 'string' ? { requestId } : {}),
        });
      },
    }),
    createBodyErrorHandler(logger),
  );
  const host = options.host ?? env.LISTEN_HOST;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? env.GATEWAY_PORT, host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    name: 'gateway',
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}/graphql`,
    port,
    /**
     * Graceful: no new connections; subscriptions complete and sockets close 1001 (Going Away);
     * requests in flight get up to SHUTDOWN_GRACE_MS to finish before their connections close.
     */
    async close() {
      const drained = requests.drain(env.SHUTDOWN_GRACE_MS);
      await ws.close();
      await drained;
      await server.apollo.stop();
      await server.closeSubgraphConnections();
      await ownRevocations?.close();
    },
  };
}
