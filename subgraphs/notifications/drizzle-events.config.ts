import { defineConfig } from 'drizzle-kit';

/**
 * Hand-written (`--custom`) migrations for the audit trail in the shared time-series database:
 * whether a table becomes a hypertable is decided at run time, which drizzle-kit cannot express.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/audit/audit-schema.ts',
  out: './drizzle-events',
  dbCredentials: { url: process.env.TIMESCALE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/timescale' },
});
