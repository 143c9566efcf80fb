import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Bus, createStreamConsumer, eventsStreamKey, type Redis, routeByTopic, type StreamConsumer } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { NotificationsDb } from '../db/index.ts';
import { createEmailHandlers } from './email-handlers.ts';
import { createNotificationHandlers } from './notification-handlers.ts';

/** The consumer group every notifications instance joins on `${namespace}:events`; instances share the work. */
export const NOTIFICATIONS_CONSUMER_GROUP = 'notifications';

export interface NotificationsEventsOptions {
  /** The system (owner) connection: workers act for the platform, not for a signed-in user. */
  db: NotificationsDb;
  /** A client on the events database (DB 0); the consumer opens its own connection from it. */
  redis: Redis;
  /** Where stored notifications are published for `notificationAdded`. */
  bus: Bus;
  namespace: string;
  logger: Logger;
  /** Base URL of the web app the emailed links point to. */
  appUrl: string;
  /** This instance's name in the group; stable across restarts of one instance lets it resume its own pending entries. */
  consumerName?: string;
  blockMs?: number;
  claimIdleMs?: number;
  maxAttempts?: number;
}

/** The notifications subgraph's one consumer of the domain events stream: one handler per topic it reacts to. */
export function createNotificationsEventsConsumer(options: NotificationsEventsOptions): StreamConsumer {
  return createStreamConsumer({
    redis: options.redis,
    stream: eventsStreamKey(options.namespace),
    group: NOTIFICATIONS_CONSUMER_GROUP,
    consumer: options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    handle: routeByTopic({ ...createEmailHandlers(options), ...createNotificationHandlers(options) }),
    logger: options.logger,
    blockMs: options.blockMs,
    claimIdleMs: options.claimIdleMs,
    maxAttempts: options.maxAttempts,
  });
}
