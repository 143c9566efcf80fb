export { createBus, type Bus, type BusMessage, type Subscription } from './bus.ts';
export {
  clusterNodesSetting,
  connectRedis,
  describeRedis,
  isClusterTarget,
  probeRedis,
  redisTarget,
  scanKeys,
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
export {
  eventsStreamKey,
  deadLetterKey,
  EVENTS_REDIS_DB,
  fieldMap,
  parseEntry,
  routeByTopic,
  UnprocessableEventError,
  type StreamEvent,
  type TopicHandlers,
} from './streams/events.ts';
export {
  createErasureConsumer,
  erasedUserOf,
  startErasureConsumer,
  USER_DELETED,
  type ErasedUser,
  type ErasureConsumerOptions,
} from './streams/erasure-consumer.ts';
export { createStreamConsumer, type StreamConsumer, type StreamConsumerOptions } from './streams/stream-consumer.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './streams/outbox-relay.ts';
export { processOnce, PROCESSED_EVENTS_DDL, type ProcessedKey, type TransactionalDb } from './streams/idempotency.ts';
export { readStreamGroups } from './stream-groups.ts';
export { createStreamTrimmer, trimFloor, type StreamTrimmer, type StreamTrimmerOptions } from './streams/stream-trimmer.ts';
export { createPeriodicTask, type PeriodicTask, type PeriodicTaskOptions } from './periodic-task.ts';
export { priceChannel } from './channels.ts';
