import express from 'express';
import { INTERNAL_SIGNATURE_HEADER, signInternal, verifyInternalSignature } from './internal-signature.ts';
import type { Logger } from './logger.ts';

/** The express application `listen` hands to a service's `routes`. */
export type HttpApp = express.Express;

/** A URL, or a function giving it at call time (services started together learn each other's ports late). */
export type LateUrl = string | (() => string);

/** The other service could not be asked; not the caller's fault. */
export class InternalCallError extends Error {
  readonly code = 'INTERNAL_CALL_FAILED';
  constructor(
    message: string,
    readonly service: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InternalCallError';
  }
}

/** Thrown by an internal route's handler for a body of the wrong shape: answers 400. */
export class InternalBadRequest extends Error {
  constructor(message = 'bad internal request') {
    super(message);
    this.name = 'InternalBadRequest';
  }
}

export interface InternalAnswer<T> {
  status: number;
  body: T | null;
}

/**
 * POSTs a JSON body to another service's internal route, signed with the shared secret
 * (header x-nexanest-internal = hex HMAC-SHA256 of the exact body). 2xx and 404 are answers;
 * anything else, or no answer within the timeout, is an InternalCallError.
 */
export async function postInternal<T>(options: {
  service: string;
  graphqlUrl: LateUrl;
  path: string;
  body: unknown;
  secret: string;
  timeoutMs: number;
}): Promise<InternalAnswer<T>> {
  const base = typeof options.graphqlUrl === 'function' ? options.graphqlUrl() : options.graphqlUrl;
  const endpoint = new URL(options.path, base).toString();
  const body = JSON.stringify(options.body);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signInternal(body, options.secret) },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new InternalCallError(`${options.service} did not answer ${options.path}`, options.service, { cause: error });
  }
  if (response.status === 404) return { status: 404, body: null };
  if (!response.ok) throw new InternalCallError(`${options.service} answered ${response.status} on ${options.path}`, options.service);
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * Mounts a signed internal route: the signature is checked on the raw body before anything is
 * parsed (401 `{}` when it fails, 400 `{}` for a body that is not JSON). The handler answers
 * with a value (200) or null (404); InternalBadRequest answers 400; any other thrown error is logged without the body and answers 500.
 */
export function mountInternalRoute(
  app: express.Express,
  path: string,
  options: { secret: string; logger: Logger; limit?: string },
  handler: (body: unknown) => Promise<unknown | null>,
): void {
  app.post(path, express.raw({ type: () => true, limit: options.limit ?? '16kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyInternalSignature(raw, req.headers[INTERNAL_SIGNATURE_HEADER], options.secret)) {
      res.status(401).json({});
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({});
      return;
    }
    try {
      const answer = await handler(body);
      if (answer === null) res.status(404).json({});
      else res.json(answer);
    } catch (error) {
      if (error instanceof InternalBadRequest) {
        res.status(400).json({});
        return;
      }
      // Bodies may hold secrets (API keys): only the message is logged.
      options.logger.error({ requestId: res.locals.requestId, err: { message: (error as Error).message }, path }, 'internal route failed');
      res.status(500).json({});
    }
  });
}
