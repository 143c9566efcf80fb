import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstError, getGraphQL, postGraphQL, startTestGateway, type Gateway } from './support/gateway-harness.ts';

const MAX_BODY_BYTES = 4096;
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startTestGateway({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
});
afterAll(async () => {
  await gateway?.close();
});

describe('batched requests', () => {
  it('refuses a JSON array body with 400 and a coded, readable error', async () => {
    const { status, body } = await postGraphQL(gateway.url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(status).toBe(400);
    expect(firstError(body)).toEqual({ message: 'Operation batching disabled.', extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('request bodies', () => {
  it('answers a body over MAX_BODY_BYTES with 413 and a GraphQL-shaped BAD_USER_INPUT error', async () => {
    const { status, body } = await postGraphQL(gateway.url, { query: `{ __typename } # ${'x'.repeat(MAX_BODY_BYTES)}` });
    expect(status).toBe(413);
    expect(body).toEqual({
      errors: [{ message: `The request body is larger than the limit of ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('answers a body that is not JSON with 400 and no stack', async () => {
    const { status, body } = await postGraphQL(gateway.url, '{"query": ');
    expect(status).toBe(400);
    expect(body).toEqual({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});

describe('CSRF prevention', () => {
  it('refuses a GET query without a preflight-forcing header', async () => {
    const { status, body } = await getGraphQL(gateway.url, { query: '{ __typename }' });
    expect(status).toBe(400);
    expect(firstError(body)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(firstError(body)?.message).toMatch(/CSRF/);
  });

  it('refuses a POST with a simple content type a form could send', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
    expect(response.status).toBe(400);
  });

  it('answers a GET query that carries apollo-require-preflight', async () => {
    const { status, body } = await getGraphQL(gateway.url, { query: '{ __typename }' }, PREFLIGHT);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers a POST with application/json', async () => {
    const { status, body } = await postGraphQL(gateway.url, { query: '{ __typename }' });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('automatic persisted queries', () => {
  const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, then serves it by hash once registered (POST)', async () => {
    const query = '{ postPersisted: __typename }';
    const miss = await postGraphQL(gateway.url, { extensions: persisted(query) });
    expect(firstError(miss.body)?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const register = await postGraphQL(gateway.url, { query, extensions: persisted(query) });
    expect(register.body).toEqual({ data: { postPersisted: 'Query' } });

    const hit = await postGraphQL(gateway.url, { extensions: persisted(query) });
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual({ data: { postPersisted: 'Query' } });
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, then serves it by hash once registered (GET)', async () => {
    const query = '{ getPersisted: __typename }';
    const miss = await getGraphQL(gateway.url, { extensions: persisted(query) }, PREFLIGHT);
    expect(firstError(miss.body)?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const register = await getGraphQL(gateway.url, { query, extensions: persisted(query) }, PREFLIGHT);
    expect(register.body).toEqual({ data: { getPersisted: 'Query' } });

    const hit = await getGraphQL(gateway.url, { extensions: persisted(query) }, PREFLIGHT);
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual({ data: { getPersisted: 'Query' } });
  });

  it('refuses to register a query under a hash that is not its own', async () => {
    const { status, body } = await postGraphQL(gateway.url, { query: '{ __typename }', extensions: persisted('{ somethingElse }') });
    expect(status).toBe(400);
    expect(firstError(body)?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
