import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DEV_SECRETS } from '@nexanest/config';
import { appRoleUrl } from '@nexanest/db';
import { asCaller } from '@nexanest/testing';
import { createHarness, givenPortfolio, newUser, type Harness } from './harness.ts';

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
let portfolioId: string;

beforeAll(async () => {
  h = await createHarness();
  app = postgres(appRoleUrl(h.database.url, DEV_SECRETS.APP_DB_PASSWORD), { max: 2, onnotice: () => {} });
  const created = await h.run(owner, `mutation { createWatchlist(name: "Private") { id } }`);
  watchlistId = created.data?.createWatchlist.id;
  await h.run(owner, `mutation($w: ID!) { addWatchlistItem(watchlistId: $w, symbol: "AAPL") { id } }`, { w: watchlistId });
  portfolioId = await givenPortfolio(h.run, owner, 'Planned');
  const goal = await h.run(
    owner,
    `mutation($p: ID!, $d: DateTime!) { createGoal(input: { portfolioId: $p, name: "Boat", targetAmount: "1000", targetDate: $d }) { id } }`,
    {
      p: portfolioId,
      d: new Date(Date.now() + 86_400_000).toISOString(),
    },
  );
  const rule = await h.run(
    owner,
    `mutation($p: ID!) { setAllocationRule(input: { portfolioId: $p, dimension: SYMBOL, key: "AAPL", targetWeight: 0.5, tolerance: 0.05 }) { id } }`,
    { p: portfolioId },
  );
  if (goal.errors || rule.errors) throw new Error(JSON.stringify([goal.errors, rule.errors]));
});
afterAll(async () => {
  await app?.end();
  await h?.close();
});

type Caller = { userId: string; role: string } | null;
const as = <T>(caller: Caller, fn: (tx: postgres.TransactionSql) => Promise<T>) => asCaller(app, caller, fn);

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
});

const planRows = (caller: Caller) =>
  as(caller, async (tx) => {
    const [row] = await tx`select
      (select count(*)::int from goals where portfolio_id = ${portfolioId}) as goals,
      (select count(*)::int from allocation_rules where portfolio_id = ${portfolioId}) as rules`;
    return row;
  });

describe('row-level security on goals and allocation rules', () => {
  it('shows the owner their rows and another user, or no caller, nothing', async () => {
    expect(await planRows(owner)).toEqual({ goals: 1, rules: 1 });
    expect(await planRows(intruder)).toEqual({ goals: 0, rules: 0 });
    expect(await planRows(null)).toEqual({ goals: 0, rules: 0 });
  });

  it("refuses another user's writes, whatever portfolio they name", async () => {
    expect((await as(intruder, (tx) => tx`update allocation_rules set target_weight = 1 where portfolio_id = ${portfolioId}`)).count).toBe(0);
    expect((await as(intruder, (tx) => tx`delete from goals where portfolio_id = ${portfolioId}`)).count).toBe(0);
    await expect(
      as(
        intruder,
        (tx) => tx`insert into goals (portfolio_id, name, target_amount, currency, target_date) values (${portfolioId}, 'Planted', 1, 'USD', now())`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      as(
        intruder,
        (tx) => tx`insert into allocation_rules (portfolio_id, dimension, key, target_weight, tolerance) values (${portfolioId}, 'SYMBOL', 'MSFT', 0.1, 0.1)`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    expect(await planRows(owner)).toEqual({ goals: 1, rules: 1 });
  });

  it('lets an advisor with a grant read them but never write them', async () => {
    expect(await planRows(advisor)).toEqual({ goals: 0, rules: 0 });
    await as(owner, (tx) => tx`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${portfolioId}, ${owner.userId}, ${advisor.userId})`);
    expect(await planRows(advisor)).toEqual({ goals: 1, rules: 1 });
    expect((await as(advisor, (tx) => tx`update goals set target_amount = 1 where portfolio_id = ${portfolioId}`)).count).toBe(0);
    expect((await as(advisor, (tx) => tx`delete from allocation_rules where portfolio_id = ${portfolioId}`)).count).toBe(0);
    await expect(
      as(advisor, (tx) => tx`insert into goals (portfolio_id, name, target_amount, currency, target_date) values (${portfolioId}, 'Advice', 1, 'USD', now())`),
    ).rejects.toMatchObject({ code: '42501' });
    expect(await planRows(owner)).toEqual({ goals: 1, rules: 1 });
  });
});

describe('the new tables', () => {
  it('all force row-level security and are granted to the service role', async () => {
    const tables = await h.pool.sql`select relname, relrowsecurity, relforcerowsecurity,
        has_table_privilege('nexanest_app', oid, 'SELECT, INSERT, UPDATE, DELETE') as granted
      from pg_class where relname in ('watchlists', 'watchlist_items', 'goals', 'allocation_rules') and relkind = 'r' order by relname`;
    expect(tables.map((t) => [t.relname, t.relrowsecurity, t.relforcerowsecurity, t.granted])).toEqual([
      ['allocation_rules', true, true, true],
      ['goals', true, true, true],
      ['watchlist_items', true, true, true],
      ['watchlists', true, true, true],
    ]);
  });
});
