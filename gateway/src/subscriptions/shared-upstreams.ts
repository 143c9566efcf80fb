import { createClient, type Client } from 'graphql-ws';
import type { ExecutionResult } from 'graphql';
import WebSocket from 'ws';
import { IDENTITY_HEADER, type Identity } from '@nexanest/graphql';
import { identityKey, stableJson } from './keys.ts';

const toWebSocketUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export interface UpstreamRequest {
  query: string;
  operationName?: string | undefined;
  variables: Record<string, unknown>;
}

export interface UpstreamListener {
  next(event: ExecutionResult): void;
  /** The upstream subscription failed or its connection was lost; no more events follow. */
  error(error: unknown): void;
  complete(): void;
}

interface Connection {
  client: Client;
  streams: number;
}

interface Stream {
  listeners: Set<UpstreamListener>;
  stop: () => void;
  connectionKey: string;
}

/**
 * Upstream subscriptions shared by every downstream subscriber that would send the same one:
 * same subgraph, same operation and variables, same identity (or none, for a subgraph whose
 * answers do not depend on who asks). One graphql-ws connection per subgraph and identity; it
 * closes when its last stream ends.
 */
export function createSharedUpstreams(options: {
  urls: Record<string, string>;
  identityToken: (identity: Identity) => Promise<string>;
  /** Ping interval on upstream connections, so a dead subgraph is noticed. */
  keepAliveMs: number;
}) {
  const connections = new Map<string, Connection>();
  const streams = new Map<string, Stream>();

  const connect = (serviceName: string, identity: Identity | null): [string, Connection] => {
    const key = `${serviceName}|${identityKey(identity)}`;
    let connection = connections.get(key);
    if (!connection) {
      const url = options.urls[serviceName];
      if (!url) throw new Error(`no routing URL for subgraph ${serviceName}`);
      const client = createClient({
        url: toWebSocketUrl(url),
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        keepAlive: options.keepAliveMs,
        connectionParams: async () => (identity ? { [IDENTITY_HEADER]: await options.identityToken(identity) } : {}),
      });
      connection = { client, streams: 0 };
      connections.set(key, connection);
    }
    return [key, connection];
  };

  const release = (connectionKey: string) => {
    const connection = connections.get(connectionKey);
    if (!connection) return;
    connection.streams--;
    if (connection.streams <= 0) {
      connections.delete(connectionKey);
      void connection.client.dispose();
    }
  };

  const endStream = (key: string, notify: (listener: UpstreamListener) => void) => {
    const stream = streams.get(key);
    if (!stream) return;
    streams.delete(key);
    for (const listener of stream.listeners) notify(listener);
    release(stream.connectionKey);
  };

  return {
    /** Listens to the shared upstream subscription, starting it if needed; returns the way out. */
    subscribe(serviceName: string, identity: Identity | null, request: UpstreamRequest, listener: UpstreamListener): () => void {
      const [connectionKey, connection] = connect(serviceName, identity);
      const key = `${connectionKey}|${request.operationName ?? ''}|${request.query}|${stableJson(request.variables)}`;
      let stream = streams.get(key);
      if (!stream) {
        connection.streams++;
        const created: Stream = { listeners: new Set(), stop: () => {}, connectionKey };
        streams.set(key, created);
        created.stop = connection.client.subscribe<Record<string, unknown>>(
          { query: request.query, variables: request.variables, ...(request.operationName ? { operationName: request.operationName } : {}) },
          {
            next: (event) => {
              for (const each of created.listeners) each.next(event as ExecutionResult);
            },
            error: (error) => endStream(key, (each) => each.error(error)),
            complete: () => endStream(key, (each) => each.complete()),
          },
        );
        stream = created;
      }
      stream.listeners.add(listener);
      const owned = stream;
      return () => {
        owned.listeners.delete(listener);
        if (owned.listeners.size === 0 && streams.get(key) === owned) {
          streams.delete(key);
          owned.stop();
          release(owned.connectionKey);
        }
      };
    },
    /** How many upstream subscriptions and connections are open (for tests and metrics). */
    stats: () => ({ streams: streams.size, connections: connections.size }),
    async dispose() {
      for (const stream of streams.values()) stream.stop();
      streams.clear();
      await Promise.all([...connections.values()].map((connection) => connection.client.dispose()));
      connections.clear();
    },
  };
}

export type SharedUpstreams = ReturnType<typeof createSharedUpstreams>;
