import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { GraphQLSchema } from 'graphql';
import { IDENTITY_HEADER, verifyIdentity, type Identity } from './identity.ts';
import { type HealthCheck, runHealthChecks } from './observability/health.ts';
import { metricsOf } from './observability/metrics.ts';
import { observeStores, type StoreObservations } from './observability/store-metrics.ts';
import { requestIdMiddleware } from './observability/request-id.ts';
import { DEFAULT_SHUTDOWN_GRACE_MS, trackHttpRequests } from './http-drain.ts';

/** What a context function may read of the HTTP request it serves. */
export interface IncomingRequest {
  headers: Record<string, string | string[] | undefined>;
}

export interface ListenOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  port: number;
  host?: string;
  /** Secret the gateway signs identities with. */
  identitySecret: string;
  /** `request`: the HTTP request's headers (absent for a subscription over graphql-ws). */
  createContext(identity: Identity | null, request?: IncomingRequest): TContext | Promise<TContext>;
  /** Serve graphql-ws on /graphql too (only the gateway subscribes to subgraphs). */
  subscriptions?: { schema: GraphQLSchema };
  /** Largest JSON body accepted. */
  bodyLimit?: string;
  /** Extra routes and middleware, mounted before /graphql (e.g. a service's internal endpoints). */
  routes?: (app: express.Express) => void;
  /** What GET /health/ready checks (each dependency: database, Redis), each within `healthTimeoutMs`. */
  readiness?: Record<string, HealthCheck>;
  /** Time each readiness check gets. Default 2 s. */
  healthTimeoutMs?: number;
  /** On close, requests in flight get this long to finish. Default 10 s. */
  shutdownGraceMs?: number;
  /** Database pools and Redis streams reported on /metrics at each scrape. */
  observe?: StoreObservations;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts an Apollo Server over HTTP (and optionally graphql-ws) and returns a closer. */
export async function listen<TContext extends BaseContext>(options: ListenOptions<TContext>): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  // Each request gets an id (the gateway's, or made here), echoed in the answer and in error logs.
  app.use(requestIdMiddleware());
  const httpServer = http.createServer(app);
  const requests = trackHttpRequests(httpServer);
  let disposeWs: (() => Promise<void>) | undefined;
  let wss: WebSocketServer | undefined;
  if (options.subscriptions) {
    wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
    const handle = useServer(
      {
        schema: options.subscriptions.schema,
        context: async (ctx) => {
          const token = ctx.connectionParams?.[IDENTITY_HEADER];
          return options.createContext(await verifyIdentity(typeof token === 'string' ? token : undefined, options.identitySecret));
        },
      },
      wss,
    );
    disposeWs = async () => {
      await handle.dispose();
    };
  }
  await options.apollo.start();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const report = await runHealthChecks(options.readiness ?? {}, options.healthTimeoutMs ?? 2_000);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  const metrics = metricsOf(options.apollo);
  if (metrics) {
    if (options.observe) observeStores(metrics, options.observe);
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  options.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(options.apollo, {
      context: async ({ req }) => {
        const header = req.headers[IDENTITY_HEADER];
        return options.createContext(await verifyIdentity(typeof header === 'string' ? header : undefined, options.identitySecret), { headers: req.headers });
      },
    }),
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  // A wildcard address is not one to connect to: the service is reachable on loopback too.
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    /** Graceful: no new connections, subscriptions end, requests in flight finish (within the grace time). */
    async close() {
      const drained = requests.drain(options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      await disposeWs?.();
      wss?.close();
      await drained;
      await options.apollo.stop();
    },
  };
}
