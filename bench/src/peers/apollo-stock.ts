// Peer: a stock @apollo/gateway with @apollo/server's standalone HTTP server, default settings.
// Only configuration: the supergraph file, and willSendRequest handing subgraphs the identity.
// WORKERS > 1 runs a node:cluster of that many workers on one port.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createPeerIdentity, IDENTITY_HEADER } from './identity.ts';

const workers = Number(process.env.WORKERS ?? 1);
const port = Number(process.env.PORT ?? 4000);

interface Context {
  identity: string | null;
}

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const identityFor = createPeerIdentity();
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? 'supergraph.graphql', 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          if (context.identity) request.http?.headers.set(IDENTITY_HEADER, context.identity);
        },
      }),
  });
  // The cast only bridges two copies of graphql's type declarations that tsc sees in this tree.
  const server = new ApolloServer<Context>({ gateway: gateway as never });
  await startStandaloneServer(server, {
    listen: { port, host: '127.0.0.1' },
    context: async ({ req }) => ({ identity: await identityFor(req.headers.authorization) }),
  });
  process.on('SIGTERM', () => process.exit(0));
}
