export { createBus, type Bus, type Subscription } from './bus.ts';
export {
  clusterNodesSetting,
  connectRedis,
  describeRedis,
  isClusterTarget,
  probeRedis,
  redisTarget,
  type Redis,
  type RedisClientOptions,
  type RedisClusterNode,
  type RedisClusterTarget,
  type RedisTarget,
} from './redis.ts';
export { createChannelFanout } from './channel-fanout.ts';
export {
  createSessionRevocations,
  createInMemorySessionRevocations,
  createRedisSessionRevocations,
  sessionRevokedKey,
  SESSIONS_REDIS_DB,
  SESSION_REVOCATION_TTL_SECONDS,
  type SessionRevocations,
  type SessionRevokedKey,
} from './session-revocations.ts';
export { iterateChannels } from './iterate-channels.ts';
export { readStreamGroups } from './stream-groups.ts';
