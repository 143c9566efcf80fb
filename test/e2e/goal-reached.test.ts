import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { connectRedis, EVENTS_REDIS_DB, eventsStreamKey, type Redis } from '@nexanest/bus';
import { createPool, type Pool } from '@nexanest/db';
import { createLogger, createMarketClient } from '@nexanest/graphql';
import type { GatewayClient } from '@nexanest/infrastructure';
import { createGoalEvaluator, createPortfolioCache, PORTFOLIO_REDIS_DB, portfolioSchema, type GoalEvaluator } from '@nexanest/portfolio';
import { testRedisUrl } from '@nexanest/testing';
import { groupCaughtUp, outboxRelayed, until } from '../support/events.ts';
import { operation } from '../support/operations.ts';
import { adminClient, registerUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * goal.reached end to end: portfolio decides a goal is reached (on a ledger change, through its
 * `portfolio.goals` consumer group; on price moves, through the sweep), writes the event with
 * `reached_at` in one transaction, and notifications tells the owner, once.
 *
 * The stack's own sweep is set to an hour, so the first test shows the consumer alone at work,
 * and the last the tick listener alone; the second runs the sweep's evaluation (`evaluateAll`)
 * itself.
 */
type User = Awaited<ReturnType<typeof registerUser>>;
interface Added {
  id: string;
  kind: string;
  title: string;
  data: Record<string, unknown>;
}

let stack: TestStack;
let admin: GatewayClient;
let events: Redis;
let cacheRedis: Redis;
let owner: Pool<typeof portfolioSchema>;
let evaluator: GoalEvaluator;
let ann: User;
let bob: User;
let carl: User;
let dora: User;
const TICK_BATCH_MS = 200;
const sockets: Client[] = [];

beforeAll(async () => {
  stack = await startTestStack({ env: { PORTFOLIO_GOALS_INTERVAL_MS: '3600000', PORTFOLIO_GOALS_TICK_BATCH_MS: String(TICK_BATCH_MS) } });
  admin = await adminClient(stack);
  [ann, bob, carl, dora] = await Promise.all([
    registerUser(stack, 'goal_ann'),
    registerUser(stack, 'goal_bob'),
    registerUser(stack, 'goal_carl'),
    registerUser(stack, 'goal_dora'),
  ]);
  events = connectRedis(testRedisUrl(), EVENTS_REDIS_DB);
  owner = createPool({ url: stack.databases.portfolio, max: 2, schema: portfolioSchema, applicationName: 'goal-test' });
  const market = createMarketClient({ url: stack.services.market as string, cacheTtlMs: 0 });
  // A second evaluator, as another replica runs one: it must make the portfolio cache forget what it marks.
  cacheRedis = connectRedis(testRedisUrl(), PORTFOLIO_REDIS_DB);
  const logger = createLogger('goal-test', 'silent');
  const cache = createPortfolioCache({ redis: cacheRedis, namespace: stack.namespace, ttlSeconds: 300, logger });
  evaluator = createGoalEvaluator({ db: owner.db, market, logger, cache });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  events?.disconnect();
  cacheRedis?.disconnect();
  await owner?.close();
  await stack?.teardown();
});

/** Every notificationAdded of `user` over graphql-ws, collected from the moment the subgraph listens. */
async function listen(user: User): Promise<Added[]> {
  const socket = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${user.token}` } });
  sockets.push(socket);
  const iterator = socket.iterate<{ notificationAdded: Added }>({ query: operation('NotificationAdded') });
  const received: Added[] = [];
  void (async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) if (next.value.data) received.push(next.value.data.notificationAdded);
  })().catch(() => {});
  const channel = `${stack.namespace}:notifications:${user.userId}`;
  await until(async () => ((await events.pubsub('NUMSUB', channel)) as [string, number])[1] > 0);
  return received;
}

/** Whatever is on its way has arrived: goals consumer caught up, portfolio's outbox relayed, notifications caught up (read in that order). */
async function settled() {
  await until(
    async () =>
      (await groupCaughtUp(events, stack.namespace, 'portfolio.goals')) &&
      (await outboxRelayed(owner.sql)) &&
      (await groupCaughtUp(events, stack.namespace, 'notifications')),
  );
}

async function createPortfolio(user: User): Promise<string> {
  const created = await user.client.request(operation('CreatePortfolio'), { input: { name: 'Goals', portfolioType: 'SAVINGS', baseCurrency: 'USD' } });
  expect(created.errors).toBeUndefined();
  return created.data?.createPortfolio.id;
}
async function createGoal(user: User, portfolioId: string, targetAmount: string): Promise<string> {
  const targetDate = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const goal = await user.client.request(operation('CreateGoal'), { input: { portfolioId, name: 'Sabbatical', targetAmount, targetDate } });
  expect(goal.errors).toBeUndefined();
  return goal.data?.createGoal.id;
}
async function record(user: User, portfolioId: string, input: Record<string, unknown>) {
  const answer = await user.client.request(operation('RecordTransaction'), {
    input: { portfolioId, currency: 'USD', executedAt: new Date(Date.now() - 60_000).toISOString(), ...input },
  });
  expect(answer.errors).toBeUndefined();
}
async function goalOf(user: User, portfolioId: string) {
  const answer = await user.client.request('query($id: ID!) { portfolio(id: $id) { goals { id reachedAt progress } } }', { id: portfolioId });
  expect(answer.errors).toBeUndefined();
  return answer.data?.portfolio.goals[0] as { id: string; reachedAt: string | null; progress: number };
}
async function listedGoalNotifications(user: User) {
  const answer = await user.client.request(operation('Notifications'));
  expect(answer.errors).toBeUndefined();
  const edges: { node: Added }[] = answer.data?.me.notifications.edges ?? [];
  return edges.map((edge) => edge.node).filter((node) => node.kind === 'GOAL');
}
async function goalReachedEntries(goalId: string): Promise<number> {
  const entries = await events.xrange(eventsStreamKey(stack.namespace), '-', '+');
  return entries.filter(([, fields]) => fields[fields.indexOf('topic') + 1] === 'goal.reached' && fields[fields.indexOf('payload') + 1]!.includes(goalId))
    .length;
}

let lastTick = 0;
async function ingest(symbol: string, price: string) {
  lastTick = Math.max(Date.now() - 1, lastTick + 1);
  const response = await admin.request(operation('IngestPrices'), { ticks: [{ symbol, price, time: new Date(lastTick).toISOString() }] });
  expect(response.data?.ingestPrices.accepted).toBe(1);
}

describe('goal reached', () => {
  it('notifies the owner once when deposits reach the goal, not on a later deposit, and leaves another user alone', async () => {
    const annSees = await listen(ann);
    const annPortfolio = await createPortfolio(ann);
    const goalId = await createGoal(ann, annPortfolio, '1000');
    const bobPortfolio = await createPortfolio(bob);
    const bobGoal = await createGoal(bob, bobPortfolio, '1000');
    await record(bob, bobPortfolio, { type: 'DEPOSIT', amount: '999.99' });

    await record(ann, annPortfolio, { type: 'DEPOSIT', amount: '600' });
    await settled();
    expect((await goalOf(ann, annPortfolio)).reachedAt).toBeNull();

    // 600 + 400 is exactly the target: reached.
    await record(ann, annPortfolio, { type: 'DEPOSIT', amount: '400' });
    await until(async () => annSees.some((added) => added.kind === 'GOAL'));
    const goalAdded = annSees.filter((added) => added.kind === 'GOAL');
    expect(goalAdded).toHaveLength(1);
    expect(goalAdded[0]).toMatchObject({ title: 'Goal reached: Sabbatical', data: { goalId, portfolioId: annPortfolio, name: 'Sabbatical' } });
    const reached = await goalOf(ann, annPortfolio);
    expect(reached).toMatchObject({ id: goalId, progress: 1 });
    expect(reached.reachedAt).not.toBeNull();

    // Another qualifying deposit: the goal stays reached as it was, and nothing new is sent.
    await record(ann, annPortfolio, { type: 'DEPOSIT', amount: '250' });
    await until(async () => annSees.filter((added) => added.kind === 'TRANSACTION').length === 3);
    await settled();
    expect(annSees.filter((added) => added.kind === 'GOAL')).toHaveLength(1);
    expect(await listedGoalNotifications(ann)).toHaveLength(1);
    expect(await goalReachedEntries(goalId)).toBe(1);
    expect((await goalOf(ann, annPortfolio)).reachedAt).toBe(reached.reachedAt);

    // Bob's goal is 0.01 short: untouched, and Bob heard nothing about goals.
    expect(await goalOf(bob, bobPortfolio)).toMatchObject({ id: bobGoal, reachedAt: null });
    expect(await listedGoalNotifications(bob)).toHaveLength(0);
    expect(await goalReachedEntries(bobGoal)).toBe(0);
  });

  it('sweeps up a goal set when already reached, once, even after the price falls back and rises again', async () => {
    // AAPL is at 150 before carl buys 10 at 100: his portfolio is worth 1500 when the goal is set,
    // and no ledger change or tick follows to value it; only the sweep does.
    await ingest('AAPL', '150');
    const portfolioId = await createPortfolio(carl);
    await record(carl, portfolioId, { type: 'DEPOSIT', amount: '1000' });
    await record(carl, portfolioId, { type: 'BUY', symbol: 'AAPL', quantity: '10', price: '100' });
    await settled();
    const goalId = await createGoal(carl, portfolioId, '1500');
    expect((await goalOf(carl, portfolioId)).reachedAt).toBeNull();

    expect(await evaluator.evaluateAll()).toBe(1);
    await settled();
    expect(await listedGoalNotifications(carl)).toMatchObject([{ title: 'Goal reached: Sabbatical', data: { goalId, portfolioId } }]);
    const { reachedAt } = await goalOf(carl, portfolioId);
    expect(reachedAt).not.toBeNull();

    await ingest('AAPL', '90');
    expect(await evaluator.evaluateAll()).toBe(0);
    await ingest('AAPL', '200');
    expect(await evaluator.evaluateAll()).toBe(0);
    await settled();
    expect(await listedGoalNotifications(carl)).toHaveLength(1);
    expect(await goalReachedEntries(goalId)).toBe(1);
    expect((await goalOf(carl, portfolioId)).reachedAt).toBe(reachedAt);
  });

  it('reaches a goal on the tick that lifts a holding to the target, not on the one just below', async () => {
    await ingest('MSFT', '100');
    const doraSees = await listen(dora);
    const portfolioId = await createPortfolio(dora);
    const goalId = await createGoal(dora, portfolioId, '1200');
    await record(dora, portfolioId, { type: 'DEPOSIT', amount: '1000' });
    await record(dora, portfolioId, { type: 'BUY', symbol: 'MSFT', quantity: '10', price: '100' });
    await settled(); // the goals consumer saw the BUY: portfolio listens to MSFT's ticks
    await until(async () => ((await events.pubsub('NUMSUB', `${stack.namespace}:prices:MSFT`)) as [string, number])[1] > 0);

    await ingest('MSFT', '119.99'); // 1199.90
    await new Promise((resolve) => setTimeout(resolve, 3 * TICK_BATCH_MS)); // its batch has been valued
    await settled();
    expect((await goalOf(dora, portfolioId)).reachedAt).toBeNull();
    await ingest('MSFT', '120'); // 1200.00
    await until(async () => doraSees.some((added) => added.kind === 'GOAL'));
    expect(doraSees.filter((added) => added.kind === 'GOAL')).toMatchObject([{ data: { goalId, portfolioId } }]);
    expect((await goalOf(dora, portfolioId)).reachedAt).not.toBeNull();
  });
});
