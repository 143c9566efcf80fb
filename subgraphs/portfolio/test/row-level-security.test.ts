import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { DEV_SECRETS } from '@nexanest/config';
import { appRoleUrl } from '@nexanest/db';
import { asCaller, type DatabaseCaller } from '@nexanest/testing';
import { createHarness, given, givenPortfolio, newUser, type Harness } from './harness.ts';

/**
 * Defence in depth: these tests skip the resolvers entirely and talk to PostgreSQL as the
 * service's role, the way a bug in an application check (or an injected statement) would.
 */
let h: Harness;
let app: postgres.Sql;
const owner = newUser();
const intruder = newUser();
const advisor = { userId: randomUUID(), role: 'ADVISOR' as const };
let portfolioId: string;

beforeAll(async () => {
  h = await createHarness();
  app = postgres(appRoleUrl(h.database.url, DEV_SECRETS.APP_DB_PASSWORD), { max: 2, onnotice: () => {} });
  portfolioId = await givenPortfolio(h.run, owner, 'Private');
  await given(h.run, owner, { portfolioId, type: 'DEPOSIT', amount: '1000' });
  await given(h.run, owner, { portfolioId, type: 'BUY', symbol: 'AAPL', quantity: '2', price: '100' });
});
afterAll(async () => {
  await app?.end();
  await h?.close();
});

const as = <T>(caller: DatabaseCaller | null, fn: (tx: postgres.TransactionSql) => Promise<T>) => asCaller(app, caller, fn);

const visible = (caller: { userId: string; role: string } | null) =>
  as(caller, async (tx) => {
    const [row] = await tx`select
      (select count(*)::int from portfolios where id = ${portfolioId}) as portfolios,
      (select count(*)::int from holdings where portfolio_id = ${portfolioId}) as holdings,
      (select count(*)::int from cash_balances where portfolio_id = ${portfolioId}) as cash,
      (select count(*)::int from transactions where portfolio_id = ${portfolioId}) as transactions`;
    return row;
  });

describe('row-level security on the portfolio database', () => {
  it('shows the owner their rows', async () => {
    expect(await visible(owner)).toEqual({ portfolios: 1, holdings: 1, cash: 1, transactions: 2 });
  });

  it('shows another user nothing, even when the query names the portfolio', async () => {
    expect(await visible(intruder)).toEqual({ portfolios: 0, holdings: 0, cash: 0, transactions: 0 });
  });

  it('shows nothing to a connection that set no caller', async () => {
    expect(await visible(null)).toEqual({ portfolios: 0, holdings: 0, cash: 0, transactions: 0 });
  });

  it("refuses another user's writes: updates touch no row, inserts are rejected", async () => {
    const updated = await as(intruder, (tx) => tx`update holdings set quantity = 0 where portfolio_id = ${portfolioId}`);
    expect(updated.count).toBe(0);
    const deleted = await as(intruder, (tx) => tx`delete from portfolios where id = ${portfolioId}`);
    expect(deleted.count).toBe(0);
    await expect(
      as(
        intruder,
        (tx) => tx`insert into transactions (portfolio_id, type, amount, currency, executed_at) values (${portfolioId}, 'WITHDRAWAL', -1000, 'USD', now())`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      as(intruder, (tx) => tx`insert into portfolios (owner_id, name, portfolio_type, base_currency) values (${owner.userId}, 'Planted', 'TAXABLE', 'USD')`),
    ).rejects.toMatchObject({ code: '42501' });
    const [row] = await h.pool.sql`select quantity::text as q from holdings where portfolio_id = ${portfolioId}`;
    expect(row?.q).toBe('2');
  });

  it('refuses a grant written by someone who does not own the portfolio, whatever owner_id it claims', async () => {
    await expect(
      as(
        intruder,
        (tx) => tx`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${portfolioId}, ${intruder.userId}, ${intruder.userId})`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      as(intruder, (tx) => tx`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${portfolioId}, ${owner.userId}, ${intruder.userId})`),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('lets an advisor read a granted portfolio but never write to it, and forgets them on revoke', async () => {
    expect(await visible(advisor)).toEqual({ portfolios: 0, holdings: 0, cash: 0, transactions: 0 });
    await as(owner, (tx) => tx`insert into portfolio_access (portfolio_id, owner_id, advisor_id) values (${portfolioId}, ${owner.userId}, ${advisor.userId})`);
    expect(await visible(advisor)).toEqual({ portfolios: 1, holdings: 1, cash: 1, transactions: 2 });
    const updated = await as(advisor, (tx) => tx`update holdings set quantity = 0 where portfolio_id = ${portfolioId}`);
    expect(updated.count).toBe(0);
    // The same user id without the ADVISOR role (demoted) reads nothing through the grant.
    expect(await visible({ userId: advisor.userId, role: 'USER' })).toEqual({ portfolios: 0, holdings: 0, cash: 0, transactions: 0 });
    await as(owner, (tx) => tx`update portfolio_access set revoked_at = now() where portfolio_id = ${portfolioId} and advisor_id = ${advisor.userId}`);
    expect(await visible(advisor)).toEqual({ portfolios: 0, holdings: 0, cash: 0, transactions: 0 });
  });

  it('runs the service as a role that owns nothing and cannot switch row-level security off', async () => {
    const [role] = await app`select current_user as name, rolbypassrls as bypass, rolsuper as super from pg_roles where rolname = current_user`;
    expect(role).toEqual({ name: 'nexanest_app', bypass: false, super: false });
    const tables = await h.pool.sql`select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relname in ('portfolios', 'portfolio_access', 'holdings', 'cash_balances', 'transactions') order by relname`;
    expect(tables.map((t) => [t.relname, t.relrowsecurity, t.relforcerowsecurity])).toEqual([
      ['cash_balances', true, true],
      ['holdings', true, true],
      ['portfolio_access', true, true],
      ['portfolios', true, true],
      ['transactions', true, true],
    ]);
    await expect(app`alter table portfolios disable row level security`).rejects.toMatchObject({ code: '42501' });
  });
});
