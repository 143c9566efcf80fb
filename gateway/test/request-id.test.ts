import { describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER } from '@nexanest/graphql';
import { SubgraphDataSource } from '../src/data-source.ts';

describe('request ids towards the subgraphs', () => {
  it("forwards the current request's id on every subgraph fetch", async () => {
    const source = new SubgraphDataSource('portfolio', 'http://127.0.0.1:9/graphql', { timeoutMs: 1000, identitySecret: 'x'.repeat(40) });
    const request = { http: { headers: new Headers(), method: 'POST', url: '' } };
    await source.willSendRequest({ request, context: { requestId: 'trace-0123456789' } } as never);
    expect(request.http.headers.get(REQUEST_ID_HEADER)).toBe('trace-0123456789');
  });

  it('sends none when the context has no request id (a subscription over WebSocket)', async () => {
    const source = new SubgraphDataSource('portfolio', 'http://127.0.0.1:9/graphql', { timeoutMs: 1000, identitySecret: 'x'.repeat(40) });
    const request = { http: { headers: new Headers(), method: 'POST', url: '' } };
    await source.willSendRequest({ request, context: {} } as never);
    expect(request.http.headers.get(REQUEST_ID_HEADER)).toBeNull();
  });
});
