import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { reenterRequestId, requestIdMiddleware, singleKey, trackHttpRequests, type Logger, type ServiceHandle } from '@nexanest/graphql';
import { mountGatewayHealth } from './health.ts';
import { authenticate, createGatewayContext, createIdentitySigner, type IdentityDeps } from './context.ts';
import { createApiKeyVerifier } from './api-keys.ts';
import { createSessionRevocations, redisTarget, type SessionRevocations } from '@nexanest/bus';
import { playgroundEnabled, queryLimitsFrom, subgraphUrlOverrides, type GatewayEnv } from './env.ts';
import { createBodyErrorHandler } from './limits/body-errors.ts';
import { createPlaygroundRouter } from './playground/playground-router.ts';
import { createGatewayServer, type GatewayServer } from './server.ts';
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

export type GatewayHandle = ServiceHandle & { port: number };

/** A gateway whose supergraph is loaded (schema, query planner) and that does not serve yet. */
export interface PreparedGateway {
  /** Points the subgraphs at `subgraphUrls` (over env and supergraph URLs), then serves as startGateway does. */
  start(subgraphUrls?: Record<string, string>): Promise<GatewayHandle>;
  /** Releases what preparing took, for a gateway that will not be started. */
  discard(): Promise<void>;
}

/** Starts the gateway: HTTP on /graphql, graphql-ws on the same path, health on /health, the playground at /. */
export async function startGateway(options: StartGatewayOptions): Promise<GatewayHandle> {
  const prepared = await prepareGateway(options);
  return prepared.start(options.subgraphUrls);
}

/**
 * The first half of startGateway, most of its CPU time: loads the supergraph, talks to no
 * subgraph, listens nowhere. The launcher runs it while the subgraphs start, which mostly wait
 * on PostgreSQL.
 */
export async function prepareGateway(options: Omit<StartGatewayOptions, 'subgraphUrls'>): Promise<PreparedGateway> {
  const server = createGatewayServer({
    supergraphSdl: readSupergraph(options.env.SUPERGRAPH_PATH),
    urlOverrides: subgraphUrlOverrides(options.env),
    upstreamTimeoutMs: options.env.UPSTREAM_TIMEOUT_MS,
    identitySecret: options.env.GATEWAY_IDENTITY_SECRET,
    production: options.env.NODE_ENV === 'production',
    logger: options.logger,
    limits: queryLimitsFrom(options.env),
    apqCacheBytes: options.env.APQ_CACHE_BYTES,
  });
  await server.apollo.start();
  return {
    start(subgraphUrls) {
      server.routeTo(subgraphUrls ?? {});
      return serve(server, options);
    },
    discard: () => server.apollo.stop(),
  };
}

async function serve(server: GatewayServer, options: Omit<StartGatewayOptions, 'subgraphUrls'>): Promise<GatewayHandle> {
  const { env, logger } = options;
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
    reenterRequestId(),
    expressMiddleware(server.apollo, {
      context: async ({ req }) => {
        const apiKey = req.headers['x-api-key'];
        const caller = await authenticate({ authorization: req.headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined }, identity);
        return createGatewayContext(caller?.identity ?? null, identity, req.socket.remoteAddress ?? null);
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
      await ownRevocations?.close();
    },
  };
}
