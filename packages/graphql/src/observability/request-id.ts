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
