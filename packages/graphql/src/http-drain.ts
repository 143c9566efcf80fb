import type http from 'node:http';

/** How long in-flight requests get to finish once a shutdown begins, unless a service says otherwise. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

export interface HttpDrain {
  /** Requests being answered now. */
  inFlight(): number;
  /**
   * Stops accepting connections, closes idle keep-alive ones, lets requests in flight finish
   * (their connections close after the answer: `connection: close`) for at most `graceMs`, then
   * closes whatever is left. Upgraded sockets (WebSockets) are the caller's to close first.
   */
  drain(graceMs: number): Promise<void>;
}

/** Graceful shutdown of a node:http server: counts requests from the moment it is attached. */
export function trackHttpRequests(server: http.Server): HttpDrain {
  const active = new Set<http.ServerResponse>();
  let draining = false;
  let settled: (() => void) | null = null;
  // An answer sent during the drain tells the client not to reuse the connection, so a client
  // that keeps sending on a kept-alive connection cannot hold the drain open.
  const closeAfter = (res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    active.add(res);
    if (draining) closeAfter(res);
    res.once('close', () => {
      active.delete(res);
      if (draining) server.closeIdleConnections();
      if (active.size === 0) settled?.();
    });
  });
  return {
    inFlight: () => active.size,
    async drain(graceMs) {
      draining = true;
      for (const res of active) closeAfter(res);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (active.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            settled = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
