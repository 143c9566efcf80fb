import postgres from 'postgres';

const quoteIdent = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
};

/** Runs fn with a single-connection client to `database` on the server behind `serverUrl`. */
export async function withDatabase<T>(serverUrl: string, database: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates the database named in `url` on its server when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await withDatabase(url, 'postgres', async (sql) => {
    const [row] = await sql`select 1 as found from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database ${quoteIdent(name)}`);
  });
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await withDatabase(url, 'postgres', async (sql) => {
    await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
  });
}
