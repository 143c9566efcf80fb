import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

// `npm start` without a reachable Redis: the in-process bus and in-process session revocations
// stand in, which works because every service runs in this one process.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ redis: false });
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the single-process mode without Redis', () => {
  it('uses the in-process bus', () => {
    expect(stack.bus.kind).toBe('in-process');
  });

  it('still streams PriceTicks from ingest to a WebSocket client', async () => {
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const events = client.iterate({ query: operation('PriceTicks'), variables: { symbols: ['JPM'] } });
    const first = events.next();
    let arrived = false;
    void first.then(() => (arrived = true));
    const admin = await adminClient(stack);
    for (let attempt = 0; attempt < 50 && !arrived; attempt++) {
      await admin.request(operation('IngestPrices'), {
        ticks: [{ symbol: 'JPM', price: `19${attempt}.5`, time: new Date(Date.now() - 1000 - attempt).toISOString() }],
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(((await first).value as { data: { priceTicks: { symbol: string } } }).data.priceTicks.symbol).toBe('JPM');
    await events.return?.();
    await client.dispose();
  });

  it('still ends a session at once on logout (auth and the gateway share the revocations)', async () => {
    const user = await registerUser(stack, 'solo');
    const login = await stack.client.request(operation('Login'), { email: user.email, password: user.password });
    const { accessToken, refreshToken } = login.data!.login as { accessToken: string; refreshToken: string };
    await stack.client.request(operation('Logout'), { refreshToken });
    const after = await stack.client.withToken(accessToken).request(operation('Me'));
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
