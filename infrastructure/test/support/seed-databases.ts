import postgres from 'postgres';

/** The five databases db-manage.sh backs up, each named by its <NAME>_DATABASE_URL variable. */
export const DATABASES = ['auth', 'portfolio', 'analytics', 'notifications', 'timescale'] as const;
export type DatabaseName = (typeof DATABASES)[number];

/**
 * Rows and objects shaped like the services' own: NUMERIC amounts, jsonb, enums, bytea, identity
 * columns, row-level security with a policy for nexanest_app, a range-partitioned table in the
 * time-series schemas. Deterministic, so two runs seed the same data.
 */
const SEED: Record<DatabaseName, string> = {
  auth: `
    create table users (id uuid primary key, email text not null unique, created_at timestamptz not null);
    insert into users select md5('user' || g)::uuid, 'user' || g || '@nexanest.test', timestamptz '2026-01-01' + g * interval '1 hour'
      from generate_series(1, 2000) g;
    create table sessions (id bigint generated always as identity primary key, user_id uuid references users, data jsonb);
    insert into sessions (user_id, data) select md5('user' || (g % 2000 + 1))::uuid, jsonb_build_object('agent', 'test', 'n', g)
      from generate_series(1, 3000) g;`,
  portfolio: `
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'nexanest_app') then create role nexanest_app nologin; end if;
    end $$;
    create table portfolios (id serial primary key, owner_id uuid not null, name text not null);
    insert into portfolios (owner_id, name) select md5('user' || g)::uuid, 'Portfolio ' || g from generate_series(1, 500) g;
    create table transactions (id bigserial primary key, portfolio_id int references portfolios, symbol text,
      quantity numeric(28, 10), price numeric(28, 10), executed_at timestamptz);
    insert into transactions (portfolio_id, symbol, quantity, price, executed_at)
      select g % 500 + 1, (array['AAPL', 'MSFT', 'SPY', 'VWCE'])[g % 4 + 1], g / 7.0, 100.123456789 + g, timestamptz '2025-06-01' + g * interval '1 minute'
      from generate_series(1, 5000) g;
    alter table portfolios enable row level security;
    alter table portfolios force row level security;
    create policy portfolios_owner on portfolios for all to nexanest_app
      using (owner_id = nullif(current_setting('app.user_id', true), '')::uuid);
    grant select, insert, update, delete on portfolios, transactions to nexanest_app;`,
  analytics: `
    create table snapshots (portfolio_id int, day date, value numeric(28, 10), weights double precision[], primary key (portfolio_id, day));
    insert into snapshots select p, date '2026-01-01' + d, (p * 1000 + d)::numeric / 3, array[0.25, 0.75]
      from generate_series(1, 40) p, generate_series(0, 99) d;`,
  notifications: `
    create type channel as enum ('email', 'push');
    create table outbox (id serial primary key, channel channel not null, payload bytea, sent boolean default false);
    insert into outbox (channel, payload, sent) select (array['email', 'push']::channel[])[g % 2 + 1], decode(md5(g::text), 'hex'), g % 3 = 0
      from generate_series(1, 1500) g;`,
  timescale: `
    create schema market_data;
    create schema analytics_ts;
    create schema events;
    create table market_data.stock_prices (symbol text not null, time timestamptz not null, close numeric(20, 6), primary key (symbol, time))
      partition by range (time);
    create table market_data.stock_prices_2025 partition of market_data.stock_prices for values from ('2025-01-01') to ('2026-01-01');
    create table market_data.stock_prices_2026 partition of market_data.stock_prices for values from ('2026-01-01') to ('2027-01-01');
    insert into market_data.stock_prices select s, timestamptz '2025-01-01' + d * interval '1 day', 100 + d * 0.5
      from unnest(array['AAPL', 'MSFT', 'SPY']) s, generate_series(0, 600) d;
    create table analytics_ts.portfolio_values (portfolio_id int, time timestamptz, value numeric(28, 10));
    insert into analytics_ts.portfolio_values select g % 50, timestamptz '2026-01-01' + g * interval '1 hour', g * 1.01 from generate_series(1, 2000) g;
    create table events.audit (id bigserial primary key, kind text, at timestamptz default '2026-01-01');
    insert into events.audit (kind) select 'event ' || g from generate_series(1, 1000) g;`,
};

const withSql = async <T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
};

export const seedDatabase = (url: string, name: DatabaseName) => withSql(url, (sql) => sql.unsafe(SEED[name]));

/** Runs statements against one database (the tests' own changes before a restore). */
export const runSql = (url: string, statements: string) => withSql(url, (sql) => sql.unsafe(statements));

/**
 * What a restore must bring back, per table: row count and an md5 over the rows in order; plus
 * sequence positions, row-level security flags, policies and grants to nexanest_app.
 */
export function snapshotDatabase(url: string): Promise<Record<string, unknown>> {
  return withSql(url, async (sql) => {
    const tables = await sql<{ name: string }[]>`
      select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') order by 1`;
    const snapshot: Record<string, unknown> = {};
    for (const { name } of tables) {
      const [row] = await sql.unsafe(`select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${name} t`);
      snapshot[name] = row;
    }
    snapshot['@sequences'] = await sql`select schemaname, sequencename, last_value::text from pg_sequences order by 1, 2`;
    snapshot['@security'] = await sql`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity, has_table_privilege('nexanest_app', c.oid, 'SELECT') as app_reads
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' order by 1`;
    snapshot['@policies'] = await sql`select tablename, policyname, roles::text, qual from pg_policies order by 1, 2`;
    return snapshot;
  });
}

/** Creates a database (the names are unique per run, so nothing is there yet). */
export function createDatabase(serverUrl: string, name: string): Promise<unknown> {
  return withSql(serverUrl, (sql) => sql.unsafe(`create database "${name}"`));
}

/**
 * Empties a database: every schema of ours dropped, `public` created again, as after a fresh
 * CREATE DATABASE. (DROP DATABASE forces a checkpoint, seconds on a busy shared server.)
 */
export function wipeDatabase(url: string): Promise<unknown> {
  return withSql(url, async (sql) => {
    const schemas = await sql<{ name: string }[]>`
      select nspname as name from pg_namespace where nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and nspname not like 'pg\_%'`;
    for (const { name } of schemas) await sql.unsafe(`drop schema "${name}" cascade`);
    await sql.unsafe('create schema public');
  });
}

/** Drops the databases, in parallel so their forced checkpoints overlap. */
export function dropDatabases(serverUrl: string, names: string[]): Promise<unknown> {
  return Promise.all(names.map((name) => withSql(serverUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`))));
}
