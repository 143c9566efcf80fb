import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './subgraphs/auth/src/db/schema/index.ts',
  out: './subgraphs/auth/drizzle',
  dbCredentials: { url: process.env.AUTH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/auth' },
});
