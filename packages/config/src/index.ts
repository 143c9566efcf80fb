export { loadEnv, ConfigError } from './load-env.ts';
export { appDbPassword, auditPseudonymSecret, baseEnvSchema, type BaseEnv, DEV_SECRETS, isProduction, productionGuard } from './base-env.ts';
export { databaseUrl, poolSize, port } from './database-url.ts';
export { parseRedisClusterNodes, redisClusterNodes, type RedisClusterNode } from './redis-cluster-nodes.ts';
