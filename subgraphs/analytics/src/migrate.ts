import { fileURLToPath } from 'node:url';
import { migrateDatabase, type Sql } from '@nexanest/db';

const ANALYTICS_MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));
const TIMESCALE_MIGRATIONS = fileURLToPath(new URL('../drizzle-timescale', import.meta.url));

/** Brings both of analytics' databases up to date. */
export async function migrateAnalytics(sql: { analytics: Sql; timescale: Sql }): Promise<void> {
  await migrateDatabase(sql.analytics, { folder: ANALYTICS_MIGRATIONS, journalTable: '__analytics_migrations' });
  // The time-series database is shared with market; a journal of its own keeps them apart.
  await migrateDatabase(sql.timescale, { folder: TIMESCALE_MIGRATIONS, journalTable: '__analytics_ts_migrations' });
}
