import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Header that carries a request's id from the client (optional) through the gateway to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

const store = new AsyncLocalStorage<string>();
const WELL_FORMED = /^[A-Za-z0-9._-]{8,64}$/;

/** The caller's id when it is well formed (so it can be traced end to end), else a fresh one. */
export const requestIdFrom = (header: unknown): string => (typeof header === 'string' && WELL_FORMED.test(header) ? header : randomUUID());

/** Runs `fn` with this request id visible to `currentRequestId` (and so to every log line). */
export const withRequestId = <T>(requestId: string, fn: () => T): T => store.run(requestId, fn);

/** The id of the request being handled, or undefined outside one. */
export const currentRequestId = (): string | undefined => store.getStore();

/** The piece of express that an HTTP handler needs: headers in, a header and locals out. */
interface Exchange {
  req: { headers: Record<string, string | string[] | undefined> };
  res: { locals: Record<string, unknown>; setHeader(name: string, value: string): unknown };
}
type Next = () => void;

/** Express middleware: gives each request its id (kept from the caller when well formed), echoed in the response. */
export const requestIdMiddleware = () => (req: Exchange['req'], res: Exchange['res'], next: Next) => {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  res.locals.requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  withRequestId(requestId, next);
};

/** Body parsing resumes on the socket's own async context: mount this after it to enter the request's again. */
export const reenterRequestId = () => (_req: unknown, res: Exchange['res'], next: Next) => withRequestId(res.locals.requestId as string, next);
