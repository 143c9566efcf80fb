export { startAnalyticsService } from './start.ts';
export { createAnalyticsServer, analyticsTypeDefs } from './server.ts';
export { createAnalyticsContext, type AnalyticsContext, type AnalyticsDeps } from './context.ts';
export { analyticsEnvSchema, type AnalyticsEnv } from './env.ts';
export { migrateAnalytics } from './migrate.ts';
export { recordSnapshot, listSnapshotSeries, type SnapshotRow } from './snapshots-store.ts';
export { withReturns, snapshotRange, type SnapshotInterval, type SnapshotPoint, type SnapshotSeriesPoint } from './domain/snapshot-series.ts';
export { schema as analyticsSchema } from './db/index.ts';
