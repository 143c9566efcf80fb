import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GraphQL request that went through the proxy: its query and every entity representation it carried. */
export interface RecordedRequest {
  query: string;
  /** Objects with a `__typename` in the request's array variables (batched fetches rename `representations`). */
  representations: Record<string, unknown>[];
  /** The request id the gateway forwarded (x-request-id), if any. */
  requestId?: string;
}

/**
 * A plain HTTP proxy in front of a real subgraph that records what reaches it, so a test can see
 * exactly which fetches a gateway sent (headers and bodies are passed through untouched).
 */
export async function startRecordingProxy(target: string) {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const requestId = typeof req.headers['x-request-id'] === 'string' ? { requestId: req.headers['x-request-id'] } : {};
      try {
        const { query, variables } = JSON.parse(body.toString('utf8')) as { query: string; variables?: Record<string, unknown> };
        const representations = Object.values(variables ?? {})
          .filter(Array.isArray)
          .flat()
          .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && '__typename' in value);
        requests.push({ query, representations, ...requestId });
      } catch {
        requests.push({ query: '', representations: [], ...requestId });
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && !['host', 'content-length', 'connection'].includes(entry[0]),
        ),
      );
      try {
        const upstream = await fetch(target, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname}`,
    /** The requests recorded since the last `take`, oldest first. */
    take(): RecordedRequest[] {
      return requests.splice(0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
