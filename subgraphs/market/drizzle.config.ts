import { defineConfig } from 'drizzle-kit';

// drizzle-kit resolves paths from the working directory: the repository root (documented
// command) or this package (`npm run db:generate`, which turbo runs here).
const base = process.cwd().endsWith('subgraphs/market') ? '.' : './subgraphs/market';

export default defineConfig({
  dialect: 'postgresql',
  // stock-prices.ts is left out on purpose: a custom migration creates that table.
  schema: [
    `${base}/src/db/schema/market-data.ts`,
    `${base}/src/db/schema/instruments.ts`,
    `${base}/src/db/schema/latest-prices.ts`,
    `${base}/src/db/schema/currency-rates.ts`,
  ],
  out: `${base}/drizzle`,
  schemaFilter: ['market_data'],
  migrations: { table: '__market_migrations', schema: 'drizzle' },
});
