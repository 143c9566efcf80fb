export { createBus, type Bus, type Subscription } from './bus.ts';
export { connectRedis, probeRedis, type Redis } from './redis.ts';
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
