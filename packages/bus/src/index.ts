export { createBus, type Bus, type Subscription } from './bus.ts';
export { connectRedis, probeRedis, type Redis } from './redis.ts';
export { createChannelFanout } from './channel-fanout.ts';
