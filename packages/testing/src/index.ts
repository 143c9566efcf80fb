export { createTestDatabase, testServerUrl, testRedisUrl, uniqueName, type TestDatabase } from './databases.ts';
export { dropRedisNamespace } from './redis.ts';
export { startPrivateRedisCluster, type PrivateRedisCluster } from './redis-cluster.ts';
export { eventually, readMetric, readUntil } from './metrics.ts';
export { freePort } from './free-port.ts';
export { asCaller, type DatabaseCaller } from './as-caller.ts';
export { processStats, type ProcStat } from './proc-stats.ts';
