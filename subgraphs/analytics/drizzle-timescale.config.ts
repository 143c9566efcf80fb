import { defineConfig } from 'drizzle-kit';

/**
 * Hand-written (`--custom`) migrations for analytics' schema in the shared time-series database:
 * whether a table becomes a hypertable is decided at run time, which drizzle-kit cannot express.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/timescale.ts',
  out: './drizzle-timescale',
  dbCredentials: { url: process.env.TIMESCALE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/timescale' },
});
