import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { listen, type IncomingRequest, type RunningServer } from '../src/listen.ts';
import { REQUEST_ID_HEADER } from '../src/observability/request-id.ts';
import { createSubgraphServer } from '../src/subgraph-server.ts';

// The request id travels without AsyncLocalStorage: through the request's header, the context
// function's `request`, and the errors Apollo hands to formatError. A real server over HTTP.
const lines: Record<string, unknown>[] = [];
const memory = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
const seenByContext: (string | undefined)[] = [];
let running: RunningServer;

beforeAll(async () => {
  const server = createSubgraphServer<{ requestId?: string }>(
    {
      name: 'request-id-test',
      typeDefs: 'type Query { ok: Boolean, broken: Boolean }',
      resolvers: {
        Query: {
          ok: () => true,
          broken: () => {
            throw new Error('a bug with internal detail');
          },
        },
      },
    },
    { logger: createLogger('request-id-test', 'warn', memory), production: false },
  );
  running = await listen({
    apollo: server.apollo,
    port: 0,
    identitySecret: 'x'.repeat(32),
    createContext: (_identity, request?: IncomingRequest) => {
      const id = request?.headers[REQUEST_ID_HEADER];
      seenByContext.push(typeof id === 'string' ? id : undefined);
      return {};
    },
  });
});
afterAll(async () => {
  await running?.close();
});

const post = (query: string, headers: Record<string, string> = {}) =>
  fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

describe('request ids without AsyncLocalStorage', () => {
  it("logs an unexpected error with the caller's request id, and shows the context the same id", async () => {
    lines.length = 0;
    const response = await post('{ broken }', { [REQUEST_ID_HEADER]: 'trace-0123456789' });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(body)).not.toContain('internal detail');
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe('trace-0123456789');
    expect(seenByContext.at(-1)).toBe('trace-0123456789');
    const logged = lines.filter((line) => line.msg === 'unexpected error');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.requestId).toBe('trace-0123456789');
  });

  it('gives a request without a well-formed id a fresh one, the same in the answer, the context and the log', async () => {
    lines.length = 0;
    const response = await post('{ broken }', { [REQUEST_ID_HEADER]: 'bad id' });
    const fresh = response.headers.get(REQUEST_ID_HEADER);
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(seenByContext.at(-1)).toBe(fresh);
    expect(lines.find((line) => line.msg === 'unexpected error')?.requestId).toBe(fresh);
  });

  it('does not carry one request id into the next request', async () => {
    await post('{ ok }', { [REQUEST_ID_HEADER]: 'first-request-id' });
    const second = await post('{ ok }');
    expect(second.headers.get(REQUEST_ID_HEADER)).not.toBe('first-request-id');
    expect(seenByContext.at(-1)).toBe(second.headers.get(REQUEST_ID_HEADER));
  });
});
