import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** Header that carries a request's id from the client (optional) through the gateway to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

const WELL_FORMED = /^[A-Za-z0-9._-]{8,64}$/;

/** The caller's id when it is well formed (so it can be traced end to end), else a fresh one. */
export const requestIdFrom = (header: unknown): string => (typeof header === 'string' && WELL_FORMED.test(header) ? header : randomUUID());

/** The piece of express that an HTTP handler needs: headers in, a header and locals out. */
interface Exchange {
  req: { headers: Record<string, string | string[] | undefined> };
  res: { locals: Record<string, unknown>; setHeader(name: string, value: string): unknown };
}
type Next = () => void;

/**
 * Express middleware: gives each request its id (kept from the caller when well formed), echoed in
 * the response. The request's own header is rewritten to the id in use, so everything downstream
 * (Apollo's `request.http.headers`, the context functions) reads one id from one place.
 *
 * The id travels explicitly, not through AsyncLocalStorage: on Node 20 that installs promise hooks
 * on every promise of the process, which cost about a fifth of a Dashboard's CPU (docs/bench.md).
 */
export const requestIdMiddleware = () => (req: Exchange['req'], res: Exchange['res'], next: Next) => {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  req.headers[REQUEST_ID_HEADER] = requestId;
  res.locals.requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  next();
};

/** The request id of an HTTP request that went through `requestIdMiddleware`. */
export const requestIdOfHeaders = (headers: { get(name: string): string | null | undefined } | undefined): string | undefined =>
  headers?.get(REQUEST_ID_HEADER) ?? undefined;

const errorRequestIds = new WeakMap<object, string>();

/**
 * Apollo plugin: tags each error a request met with the request's id. Apollo hands errors to the
 * plugins (didEncounterErrors) before it formats them, so `formatError`, which has no request of its
 * own, can still log the id beside the error (`requestIdOfError`).
 */
export const requestIdPlugin = <TContext extends BaseContext>(): ApolloServerPlugin<TContext> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, request }) {
        const requestId = requestIdOfHeaders(request.http?.headers);
        if (requestId) for (const error of errors) errorRequestIds.set(error, requestId);
      },
    };
  },
});

/** The id of the request during which `error` was met, when the request went through `requestIdPlugin`. */
export const requestIdOfError = (error: unknown): string | undefined => (typeof error === 'object' && error !== null ? errorRequestIds.get(error) : undefined);
