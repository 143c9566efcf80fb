import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEnvSchema } from '../src/index.ts';
import { firstError, postGraphQL, startFakeSubgraph, startTestGateway, type Gateway } from './support/gateway-harness.ts';

/** What a careless subgraph might send: a driver error with SQL, parameters and a stack. */
const LEAKY_ERROR = {
  message: 'insert into users (email, password_hash) values ($1, $2) - duplicate key value violates unique constraint',
  extensions: {
    code: '23505',
    parameters: ['ada@example.com', 'scrypt$secret'],
    stacktrace: ['PostgresError: duplicate key value', '    at ErrorResponse (/app/node_modules/postgres/src/connection.js:790:26)'],
  },
};

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  JWT_SECRET: 'production-test-jwt-secret-0123456789abcdef',
  GATEWAY_IDENTITY_SECRET: 'production-test-identity-secret-0123456789ab',
};

let subgraph: Awaited<ReturnType<typeof startFakeSubgraph>>;
let production: Gateway;
let development: Gateway;
beforeAll(async () => {
  subgraph = await startFakeSubgraph(() => ({ data: { me: null }, errors: [LEAKY_ERROR] }));
  production = await startTestGateway({ env: PRODUCTION_ENV, subgraphUrl: subgraph.url });
  development = await startTestGateway({ env: { NODE_ENV: 'development' }, subgraphUrl: subgraph.url });
});
afterAll(async () => {
  await production?.close();
  await development?.close();
  await subgraph?.close();
});

describe('a gateway in production', () => {
  it('refuses __schema introspection with GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, body } = await postGraphQL(production.url, { query: '{ __schema { queryType { name } } }' });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(firstError(body)?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses __type introspection as well', async () => {
    const { body } = await postGraphQL(production.url, { query: '{ __type(name: "User") { name } }' });
    expect(firstError(body)?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('does not suggest field names, which would leak the schema introspection hides', async () => {
    const { body } = await postGraphQL(production.url, { query: '{ mee { id } }' });
    expect(firstError(body)?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(firstError(body)?.message).not.toMatch(/Did you mean/);
  });

  it('masks an internal subgraph error: no SQL, no parameters, no stack', async () => {
    const { body } = await postGraphQL(production.url, { query: '{ me { id } }' });
    expect(body.data).toEqual({ me: null });
    expect(firstError(body)).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'auth' } });
    const text = JSON.stringify(body);
    for (const leak of ['insert into', 'password', 'ada@example.com', 'secret', 'stacktrace', 'PostgresError', 'node_modules', '23505']) {
      expect(text).not.toContain(leak);
    }
  });
});

describe('a gateway in development, for contrast', () => {
  it('answers introspection', async () => {
    const { body } = await postGraphQL(development.url, { query: '{ __schema { queryType { name } } }' });
    expect(body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('suggests field names', async () => {
    const { body } = await postGraphQL(development.url, { query: '{ mee { id } }' });
    expect(firstError(body)?.message).toMatch(/Did you mean "me"\?/);
  });
});

describe('the gateway environment in production', () => {
  it('requires every subgraph URL instead of the local addresses in the committed supergraph', () => {
    expect(() => gatewayEnvSchema.parse(PRODUCTION_ENV)).toThrow(/AUTH_SUBGRAPH_URL is required in production/);
  });
});
