import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DEV_SECRETS } from '@nexanest/config';
import { appRoleUrl } from '@nexanest/db';
import { createHarness, newUser, type Harness } from './harness.ts';

/**
 * Row-level security on the tables added after 0002 (watchlists and their items, goals,
 * allocation rules), checked with the application bypassed: statements go straight to
 * PostgreSQL as the service's role, the way a bug in a resolver's check would.
 */
let h: Harness;
let app: postgres.Sql;
const owner = newUser();
const intruder = newUser();
const advisor = { userId: randomUUID(), role: 'ADVISOR' as const };
let watchlistId: string;

beforeAll(async () => {
  h = await createHarness();
  app = postgres(appRoleUrl(h.database.url, DEV_SECRETS.APP_DB_PASSWORD), { max: 2, onnotice: () => {} });
  const created = await h.run(owner, `mutation { createWatchlist(name: "Private") { id } }`);
  watchlistId = created.data?.createWatchlist.id;
  await h.run(owner, `mutation($w: ID!) { addWatchlistItem(watchlistId: $w, symbol: "AAPL") { id } }`, { w: watchlistId });
});
afterAll(async () => {
  await app?.end();
  await h?.close();
});

type Caller = { userId: string; role: string } | null;
const as = <T>(caller: Caller, fn: (tx: postgres.TransactionSql) => Promise<T>) =>
  app.begin(async (tx) => {
    if (caller) await tx`select set_config('app.user_id', ${caller.userId}, true), set_config('app.role', ${caller.role}, true)`;
    return fn(tx);
  }) as Promise<T>;

const watchlistRows = (caller: Caller) =>
  as(caller, async (tx) => {
    const [row] = await tx`select
      (select count(*)::int from watchlists where id = ${watchlistId}) as watchlists,
      (select count(*)::int from watchlist_items where watchlist_id = ${watchlistId}) as items`;
    return row;
  });

describe('row-level security on watchlists', () => {
  it('shows the owner their watchlist and nobody else anything, advisors included', async () => {
    expect(await watchlistRows(owner)).toEqual({ watchlists: 1, items: 1 });
    expect(await watchlistRows(intruder)).toEqual({ watchlists: 0, items: 0 });
    expect(await watchlistRows(advisor)).toEqual({ watchlists: 0, items: 0 });
    expect(await watchlistRows(null)).toEqual({ watchlists: 0, items: 0 });
  });

  it("refuses another user's writes", async () => {
    expect((await as(intruder, (tx) => tx`delete from watchlist_items where watchlist_id = ${watchlistId}`)).count).toBe(0);
    expect((await as(intruder, (tx) => tx`update watchlists set name = 'Stolen' where id = ${watchlistId}`)).count).toBe(0);
    await expect(as(intruder, (tx) => tx`insert into watchlist_items (watchlist_id, symbol) values (${watchlistId}, 'MSFT')`)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(as(intruder, (tx) => tx`insert into watchlists (owner_id, name) values (${owner.userId}, 'Planted')`)).rejects.toMatchObject({
      code: '42501',
    });
    const [row] = await h.pool
      .sql`select name, (select count(*)::int from watchlist_items where watchlist_id = ${watchlistId}) as items from watchlists where id = ${watchlistId}`;
    expect(row).toEqual({ name: 'Private', items: 1 });
  });

  it('forces row-level security on every new table', async () => {
    const tables = await h.pool.sql`select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relname in ('watchlists', 'watchlist_items') and relkind = 'r' order by relname`;
    expect(tables.map((t) => [t.relname, t.relrowsecurity, t.relforcerowsecurity])).toEqual([
      ['watchlist_items', true, true],
      ['watchlists', true, true],
    ]);
  });
});
