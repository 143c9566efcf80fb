import { defineConfig } from 'drizzle-kit';

/** The analytics database. The time-series migrations live in drizzle-timescale/ (see drizzle-timescale.config.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.ANALYTICS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/analytics' },
});
