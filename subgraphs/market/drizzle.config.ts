import { defineConfig } from 'drizzle-kit';

// Paths are relative to this package: run `npm run db:generate` (turbo runs it here).
const base = '.';

export default defineConfig({
  dialect: 'postgresql',
  // stock-prices.ts is left out on purpose: a custom migration creates that table.
  schema: [
    `${base}/src/db/schema/market-data.ts`,
    `${base}/src/db/schema/instruments.ts`,
    `${base}/src/db/schema/latest-prices.ts`,
    // Kept here although a custom migration turned it into a time series (same columns and
    // key): dropping it from this list would make drizzle-kit generate a DROP TABLE.
    `${base}/src/db/schema/currency-rates.ts`,
    `${base}/src/db/schema/backfill-checkpoints.ts`,
  ],
  out: `${base}/drizzle`,
  schemaFilter: ['market_data'],
  migrations: { table: '__market_migrations', schema: 'drizzle' },
});
