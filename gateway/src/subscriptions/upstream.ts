import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER } from '@nexanest/graphql';

const toWebSocketUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/**
 * graphql-ws clients to subgraphs for one downstream connection: created on first use per
 * subgraph, carrying that connection's identity, and disposed with the connection.
 */
export function createUpstreamClients(options: { urls: Record<string, string>; identityToken: () => Promise<string | null> }) {
  const clients = new Map<string, Client>();
  return {
    get(serviceName: string): Client {
      let client = clients.get(serviceName);
      if (client) return client;
      const url = options.urls[serviceName];
      if (!url) throw new Error(`no routing URL for subgraph ${serviceName}`);
      client = createClient({
        url: toWebSocketUrl(url),
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        connectionParams: async () => {
          const token = await options.identityToken();
          return token ? { [IDENTITY_HEADER]: token } : {};
        },
      });
      clients.set(serviceName, client);
      return client;
    },
    async dispose() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    },
  };
}

export type UpstreamClients = ReturnType<typeof createUpstreamClients>;
