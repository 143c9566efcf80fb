import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '@nexanest/db';
import { codeOf, createHarness, newUser, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const CREATE = `mutation($name: String!) { createWatchlist(name: $name) { id name } }`;
const ADD = `mutation($w: ID!, $s: String!) { addWatchlistItem(watchlistId: $w, symbol: $s) { id items { symbol instrument { symbol } } } }`;
const REMOVE = `mutation($w: ID!, $s: String!) { removeWatchlistItem(watchlistId: $w, symbol: $s) { id items { symbol } } }`;
const DELETE = `mutation($id: ID!) { deleteWatchlist(id: $id) }`;
const MINE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { watchlists { id name items { symbol } } } } }`;

const watchlistsOf = async (caller: ReturnType<typeof newUser> | null, userId: string) =>
  (await h.run(caller, MINE, { reps: [{ __typename: 'User', id: userId }] })).data?._entities[0].watchlists;

async function givenWatchlist(owner: ReturnType<typeof newUser>, name = 'Tech'): Promise<string> {
  const answer = await h.run(owner, CREATE, { name });
  if (!answer.data) throw new Error(JSON.stringify(answer.errors));
  return answer.data.createWatchlist.id;
}

const itemCount = async () => Number((await h.pool.sql`select count(*)::int as n from watchlist_items`)[0]?.n);

describe('watchlists', () => {
  it('creates watchlists, adds symbols once each, removes them, and lists them for their owner', async () => {
    const owner = newUser();
    const id = await givenWatchlist(owner, '  Tech  ');
    await givenWatchlist(owner, 'Europe');
    const added = await h.run(owner, ADD, { w: id, s: 'msft' });
    expect(added.errors).toBeUndefined();
    expect(added.data?.addWatchlistItem).toEqual({ id, items: [{ symbol: 'MSFT', instrument: { symbol: 'MSFT' } }] });
    await h.run(owner, ADD, { w: id, s: 'AAPL' });
    const again = await h.run(owner, ADD, { w: id, s: 'MSFT' });
    expect(again.data?.addWatchlistItem.items.map((item: { symbol: string }) => item.symbol)).toEqual(['MSFT', 'AAPL']);
    const removed = await h.run(owner, REMOVE, { w: id, s: 'msft' });
    expect(removed.data?.removeWatchlistItem.items).toEqual([{ symbol: 'AAPL' }]);
    expect(await watchlistsOf(owner, owner.userId)).toEqual([
      { id, name: 'Tech', items: [{ symbol: 'AAPL' }] },
      { id: expect.any(String), name: 'Europe', items: [] },
    ]);
  });

  it('refuses a duplicate name with CONFLICT, a blank one and an unknown symbol with BAD_USER_INPUT', async () => {
    const owner = newUser();
    const id = await givenWatchlist(owner, 'Once');
    expect(codeOf(await h.run(owner, CREATE, { name: 'Once' }))).toBe('CONFLICT');
    expect(codeOf(await h.run(owner, CREATE, { name: '  ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await h.run(owner, ADD, { w: id, s: 'NOPE' }))).toBe('BAD_USER_INPUT');
    expect((await watchlistsOf(owner, owner.userId))?.map((list: { items: unknown[] }) => list.items)).toEqual([[]]);
  });

  it("answers NOT_FOUND for another user's watchlist, writes nothing, and never lists it to them", async () => {
    const owner = newUser();
    const intruder = newUser();
    const id = await givenWatchlist(owner);
    await h.run(owner, ADD, { w: id, s: 'AAPL' });
    const before = await itemCount();
    expect(codeOf(await h.run(intruder, ADD, { w: id, s: 'MSFT' }))).toBe('NOT_FOUND');
    expect(codeOf(await h.run(intruder, REMOVE, { w: id, s: 'AAPL' }))).toBe('NOT_FOUND');
    expect(codeOf(await h.run(intruder, DELETE, { id }))).toBe('NOT_FOUND');
    expect(codeOf(await h.run(owner, ADD, { w: '00000000-0000-4000-8000-000000000000', s: 'MSFT' }))).toBe('NOT_FOUND');
    expect(await itemCount()).toBe(before);
    expect(await watchlistsOf(intruder, owner.userId)).toEqual([]);
    expect(await watchlistsOf(null, owner.userId)).toEqual([]);
    expect(codeOf(await h.run(null, CREATE, { name: 'x' }))).toBe('UNAUTHENTICATED');
  });

  it('deletes a watchlist with its items', async () => {
    const owner = newUser();
    const id = await givenWatchlist(owner);
    await h.run(owner, ADD, { w: id, s: 'AAPL' });
    expect((await h.run(owner, DELETE, { id })).data?.deleteWatchlist).toBe(true);
    expect(await watchlistsOf(owner, owner.userId)).toEqual([]);
    const [row] = await h.pool.sql`select count(*)::int as n from watchlist_items where watchlist_id = ${id}`;
    expect(row?.n).toBe(0);
  });

  it('lists any number of watchlists and items in a constant number of statements', async () => {
    const owner = newUser();
    for (let list = 0; list < 4; list++) {
      const id = await givenWatchlist(owner, `List ${list}`);
      for (const symbol of ['AAPL', 'MSFT', 'SPY', 'SAP']) await h.run(owner, ADD, { w: id, s: symbol });
    }
    await watchlistsOf(owner, owner.userId);
    statementCounter.reset();
    const lists = await watchlistsOf(owner, owner.userId);
    expect(lists).toHaveLength(4);
    expect(lists[3].items).toHaveLength(4);
    // watchlists, items of all four; plus BEGIN, the row-level security settings, COMMIT.
    expect(statementCounter.count).toBe(2 + 3);
  });
});
