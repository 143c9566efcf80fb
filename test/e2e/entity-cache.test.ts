import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type ServiceHandle } from '@nexanest/graphql';
import { loadGatewayEnv, readSupergraph, startGateway } from '@nexanest/gateway';
import { createGatewayClient } from '@nexanest/infrastructure';
import { readMetric, testRedisUrl } from '@nexanest/testing';
import { operation } from '../support/operations.ts';
import { startRecordingProxy } from '../support/recording-proxy.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The gateway's entity cache (gateway/src/entity-cache/), a lever of issue 8: instruments and their
 * latest prices are public, so a gateway answers them from memory for their cache hints' maxAge.
 * A gateway with the cache sends market through a recording proxy (what reaches market is seen,
 * nothing is mocked); a gateway without it answers the same. So that the test does not race the 2 s
 * hint of Price on a busy machine, that gateway serves the supergraph with Price hinted 300 s; a third
 * gateway with the committed hints and the default settings (the cache is on by default) shows a new
 * price served after 2 s.
 */
type User = Awaited<ReturnType<typeof registerUser>>;
type Dashboard = { me: { portfolios: { holdings: { symbol: string; quantity: string; instrument: { latestPrice: { price: string } } }[] }[] } };

let stack: TestStack;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let cached: ServiceHandle;
let plain: ServiceHandle;
let committed: ServiceHandle;
let a: User;
let b: User;
const dir = mkdtempSync(join(tmpdir(), 'entity-cache-'));

async function buy(user: User, holdings: Record<string, string>) {
  const created = await user.client.request(operation('CreatePortfolio'), {
    input: { name: `Cache ${user.email}`, portfolioType: 'TAXABLE', baseCurrency: 'USD' },
  });
  const portfolioId = created.data?.createPortfolio.id as string;
  const record = async (input: Record<string, unknown>) => {
    const answer = await user.client.request(operation('RecordTransaction'), {
      input: { portfolioId, currency: 'USD', executedAt: new Date(Date.now() - 3_600_000).toISOString(), ...input },
    });
    expect(answer.errors).toBeUndefined();
  };
  await record({ type: 'DEPOSIT', amount: '100000' });
  for (const [symbol, quantity] of Object.entries(holdings)) await record({ type: 'BUY', symbol, quantity, price: '100.25' });
}

const gatewayEnv = (extra: Record<string, string>) =>
  loadGatewayEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: testRedisUrl(), NEXANEST_NAMESPACE: stack.namespace, ...extra });
const dashboard = async (url: string, user: User) =>
  (await createGatewayClient(url).withToken(user.token).request<Dashboard>(operation('Dashboard'))) as { data?: Dashboard; errors?: unknown };
const holdingsOf = (answer: { data?: Dashboard }) => answer.data?.me.portfolios.flatMap((p) => p.holdings) ?? [];
const typenames = (requests: { representations: Record<string, unknown>[] }[]) => requests.flatMap((r) => r.representations.map((rep) => rep.__typename));

beforeAll(async () => {
  stack = await startTestStack();
  [a, b] = [await registerUser(stack, 'cache-a'), await registerUser(stack, 'cache-b')];
  await buy(a, { AAPL: '1', MSFT: '2', SPY: '3', NVDA: '4' });
  await buy(b, { AAPL: '11', MSFT: '12' });
  const supergraph = readSupergraph();
  const longHint = supergraph.replace('@cacheControl(maxAge: 2)', '@cacheControl(maxAge: 300)');
  expect(longHint).not.toBe(supergraph);
  writeFileSync(join(dir, 'supergraph.graphql'), longHint);
  proxy = await startRecordingProxy(stack.services.market as string);
  cached = await startGateway({
    env: gatewayEnv({ GATEWAY_ENTITY_CACHE: 'on', SUPERGRAPH_PATH: join(dir, 'supergraph.graphql') }),
    logger: createLogger('cached', 'silent'),
    subgraphUrls: { ...stack.services, market: proxy.url },
    port: 0,
  });
  committed = await startGateway({
    env: gatewayEnv({}),
    logger: createLogger('committed', 'silent'),
    subgraphUrls: stack.services,
    port: 0,
  });
  plain = await startGateway({
    env: gatewayEnv({ GATEWAY_ENTITY_CACHE: 'off' }),
    logger: createLogger('plain', 'silent'),
    subgraphUrls: stack.services,
    port: 0,
  });
}, 120_000);
afterAll(async () => {
  await cached?.close();
  await plain?.close();
  await committed?.close();
  await proxy?.close();
  await stack?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the entity cache at the gateway', () => {
  it('answers Dashboard exactly as a gateway without it, and a second Dashboard without asking market for instruments', async () => {
    proxy.take();
    const first = await dashboard(cached.url, a);
    const firstSent = proxy.take();
    expect(first.errors).toBeUndefined();
    expect(
      holdingsOf(first)
        .map((h) => h.symbol)
        .sort(),
    ).toEqual(['AAPL', 'MSFT', 'NVDA', 'SPY']);
    expect(holdingsOf(first).every((h) => h.instrument.latestPrice.price)).toBe(true);
    expect(typenames(firstSent).filter((t) => t === 'Instrument')).toHaveLength(4);
    expect(first).toEqual(await dashboard(plain.url, a));

    const second = await dashboard(cached.url, a);
    const secondSent = proxy.take();
    expect(second).toEqual(first);
    expect(typenames(secondSent)).not.toContain('Instrument');
    expect(secondSent.some((r) => r.query.includes('on Instrument'))).toBe(false);
    // Holdings and portfolios are private: they reach market every time.
    expect(typenames(secondSent)).toContain('Holding');
    expect(typenames(secondSent)).toContain('Portfolio');
  });

  it("answers another user holding the same instruments from memory, with their own holdings and nobody else's", async () => {
    await dashboard(cached.url, a);
    proxy.take();
    const hitsBefore = (await readMetric(cached.url, 'gateway_entity_cache_lookups_total', { subgraph: 'market', outcome: 'hit' })) ?? 0;
    const answer = await dashboard(cached.url, b);
    const sent = proxy.take();
    expect(answer.errors).toBeUndefined();
    expect(typenames(sent)).not.toContain('Instrument');
    const holdingsSent = sent.flatMap((r) => r.representations).filter((rep) => rep.__typename === 'Holding');
    expect(holdingsSent.map((rep) => rep.quantity).sort()).toEqual(['11', '12']);
    expect(
      holdingsOf(answer)
        .map((h) => [h.symbol, h.quantity])
        .sort(),
    ).toEqual([
      ['AAPL', '11'],
      ['MSFT', '12'],
    ]);
    expect(answer).toEqual(await dashboard(plain.url, b));
    const hitsAfter = (await readMetric(cached.url, 'gateway_entity_cache_lookups_total', { subgraph: 'market', outcome: 'hit' })) ?? 0;
    expect(hitsAfter - hitsBefore).toBe(2);
  });

  it('serves a new latest price once the 2 s hint has passed', async () => {
    const before = holdingsOf(await dashboard(committed.url, b)).find((h) => h.symbol === 'AAPL');
    const price = `${Number.parseInt(before?.instrument.latestPrice.price ?? '100', 10) + 7}.5`;
    const admin = await adminClient(stack);
    const ingested = await admin.request(operation('IngestPrices'), { ticks: [{ symbol: 'AAPL', price, time: new Date(Date.now() - 500).toISOString() }] });
    expect(ingested.data?.ingestPrices.accepted).toBe(1);
    let seen: string | undefined;
    for (let attempt = 0; attempt < 40 && seen !== price; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      seen = holdingsOf(await dashboard(committed.url, b)).find((h) => h.symbol === 'AAPL')?.instrument.latestPrice.price;
    }
    expect(seen).toBe(price);
  });
});
