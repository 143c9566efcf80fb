import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestGateway, type Gateway } from './support/gateway-harness.ts';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  JWT_SECRET: 'production-test-jwt-secret-0123456789abcdef',
  GATEWAY_IDENTITY_SECRET: 'production-test-identity-secret-0123456789ab',
};

const origin = (gateway: Gateway) => gateway.url.replace(/\/graphql$/, '');

let development: Gateway;
let production: Gateway;
let productionWithFlag: Gateway;
beforeAll(async () => {
  development = await startTestGateway();
  production = await startTestGateway({ env: PRODUCTION_ENV });
  productionWithFlag = await startTestGateway({ env: { ...PRODUCTION_ENV, GATEWAY_PLAYGROUND: 'on' } });
});
afterAll(async () => {
  await development?.close();
  await production?.close();
  await productionWithFlag?.close();
});

describe('the playground outside production', () => {
  it('serves GraphiQL at / with its bundle on the same origin and a same-origin CSP', { timeout: 60_000 }, async () => {
    const page = await fetch(`${origin(development)}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string).filter((url) => url !== 'data:,');
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/playground\/assets\//);
      const response = await fetch(`${origin(development)}${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('immutable');
      // fetch asks for gzip and inflates the body.
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    }
  });

  it('serves the page at /graphql to a browser, and leaves every other GET and POST to Apollo', async () => {
    const browser = await fetch(development.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browser.headers.get('vary')).toContain('Accept');
    expect(await browser.text()).toContain('<title>NexaNest playground</title>');

    const client = await fetch(`${development.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(client.status).toBe(400);
    expect(await client.text()).toMatch(/CSRF/);
    expect((await postGraphQL(development.url, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers 404 for an asset it did not build', async () => {
    expect((await fetch(`${origin(development)}/playground/assets/other.js`)).status).toBe(404);
  });
});

describe('the playground in production', () => {
  it('is off: / and the assets answer 404, and a browser at /graphql gets no page', async () => {
    expect((await fetch(`${origin(production)}/`, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);
    expect((await fetch(`${origin(production)}/playground/assets/playground.js`)).status).toBe(404);
    const browser = await fetch(production.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(browser.headers.get('content-type')).not.toMatch(/^text\/html/);
  });

  it('is on with GATEWAY_PLAYGROUND=on', { timeout: 60_000 }, async () => {
    const page = await fetch(`${origin(productionWithFlag)}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>NexaNest playground</title>');
  });
});
