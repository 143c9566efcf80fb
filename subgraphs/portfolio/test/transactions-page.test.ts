import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createHarness, given, givenPortfolio, minutesAgo, newUser, type Harness } from './harness.ts';

let h: Harness;
const owner = newUser();
let portfolioId: string;
/** Ids of the recorded entries, newest first. */
const newestFirst: string[] = [];

beforeAll(async () => {
  h = await createHarness();
  portfolioId = await givenPortfolio(h.run, owner);
  const sameMoment = minutesAgo(100);
  const recorded: string[] = [];
  for (let i = 0; i < 7; i++) {
    // Entries 2 to 4 share one executedAt: the id breaks the tie.
    const executedAt = i >= 2 && i <= 4 ? sameMoment : minutesAgo(200 - i * 20);
    recorded.push((await given(h.run, owner, { portfolioId, type: 'DEPOSIT', amount: `${i + 1}`, executedAt })).id);
  }
  const rows = await h.pool.sql`select id from transactions where portfolio_id = ${portfolioId} order by executed_at desc, id desc`;
  newestFirst.push(...rows.map((row) => row.id as string));
  expect(new Set(newestFirst)).toEqual(new Set(recorded));
});
afterAll(async () => {
  await h?.close();
});

const PAGE = `query($id: ID!, $first: Int, $after: String) { portfolio(id: $id) {
  transactions(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id amount { amount } } } }
} }`;

const page = (first: number | undefined, after?: string | null, caller = owner) => h.run(caller, PAGE, { id: portfolioId, first, after });

describe('Portfolio.transactions', () => {
  it('pages through the whole ledger newest first with opaque cursors, never skipping or repeating', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    const sizes: number[] = [];
    for (;;) {
      const answer = await page(3, after);
      expect(answer.errors).toBeUndefined();
      const connection = answer.data?.portfolio.transactions;
      expect(connection.totalCount).toBe(7);
      sizes.push(connection.edges.length);
      seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(newestFirst);
  });

  it('defaults to 20, answers an empty page for first: 0, and does not shift when a newer entry is recorded', async () => {
    const all = await page(undefined);
    expect(all.data?.portfolio.transactions.edges).toHaveLength(7);
    expect(all.data?.portfolio.transactions.pageInfo.hasNextPage).toBe(false);
    const none = await page(0);
    expect(none.data?.portfolio.transactions).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: true, endCursor: null }, edges: [] });

    const firstTwo = await page(2);
    const cursor = firstTwo.data?.portfolio.transactions.pageInfo.endCursor;
    // A newer entry lands before the cursor: the next page is the same as without it.
    await given(h.run, owner, { portfolioId, type: 'DEPOSIT', amount: '99', executedAt: minutesAgo(1) });
    const next = await page(2, cursor);
    expect(next.data?.portfolio.transactions.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(newestFirst.slice(2, 4));
  });

  it('refuses first above 100 or below 0 and a cursor it did not make with BAD_USER_INPUT', async () => {
    expect(codeOf(await page(101))).toBe('BAD_USER_INPUT');
    expect(codeOf(await page(-1))).toBe('BAD_USER_INPUT');
    expect(codeOf(await page(5, 'not-a-cursor'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await page(5, Buffer.from('["2026-01-01T00:00:00Z","x"]').toString('base64url')))).toBe('BAD_USER_INPUT');
  });

  it("answers NOT_FOUND for another user's ledger", async () => {
    expect(codeOf(await page(5, null, newUser()))).toBe('NOT_FOUND');
  });
});
