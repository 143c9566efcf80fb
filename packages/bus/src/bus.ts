import { EventEmitter } from 'node:events';
import { createChannelFanout } from './channel-fanout.ts';
import { connectRedis, type RedisTarget } from './redis.ts';

export type Subscription = () => void;

/** One message for `publishMany`. */
export interface BusMessage {
  channel: string;
  message: string;
}

/** Publish/subscribe between services. Channel names are namespaced by the bus. */
export interface Bus {
  readonly kind: 'redis' | 'in-process';
  publish(channel: string, message: string): Promise<void>;
  /**
   * Publishes messages in the order given, in one command (a script that PUBLISHes each). Never
   * rejects: resolves with the errors of the messages that were not published.
   */
  publishMany(messages: readonly BusMessage[]): Promise<unknown[]>;
  subscribe(channel: string, listener: (message: string) => void): Subscription;
  close(): Promise<void>;
}

/**
 * Redis pub/sub when Redis is given (a URL or a cluster, see `redisTarget`); otherwise an
 * in-process emitter that only reaches services running in the same process (the
 * single-process `npm start` mode).
 *
 * On a cluster this is classic PUBLISH/SUBSCRIBE, chosen over sharded pub/sub: the cluster
 * forwards every message to every node, so the subscriber may sit on any node and channels need
 * no hash tags. The cost is cluster-bus traffic per message, acceptable at our channel rates.
 */
export function createBus(options: { redisUrl: RedisTarget | null; namespace: string }): Bus {
  const name = (channel: string) => `${options.namespace}:${channel}`;
  if (!options.redisUrl) return createInProcessBus(name);
  const publisher = connectRedis(options.redisUrl, 0, { maxRetriesPerRequest: 2 });
  // No CLIENT SETINFO on the subscriber: in ioredis 5.8.2+ that handshake can race a SUBSCRIBE
  // sent while connecting ("Connection in subscriber mode, only subscriber commands may be
  // used"), and the connection then drops and loses the messages of the gap (redis/ioredis#2037).
  const subscriber = connectRedis(options.redisUrl, 0, { disableClientInfo: true, maxRetriesPerRequest: 20 });
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  const fanout = createChannelFanout({
    onFirst: (channel) => void subscriber.subscribe(channel).catch(() => {}),
    onLast: (channel) => void subscriber.unsubscribe(channel).catch(() => {}),
  });
  subscriber.on('message', (channel: string, message: string) => fanout.deliver(channel, message));
  return {
    kind: 'redis',
    async publish(channel, message) {
      await publisher.publish(name(channel), message);
    },
    async publishMany(messages) {
      if (messages.length === 0) return [];
      try {
        await publisher.eval(PUBLISH_ALL, 0, ...messages.flatMap(({ channel, message }) => [name(channel), message]));
        return [];
      } catch (error) {
        return messages.map(() => error);
      }
    },
    subscribe: (channel, listener) => fanout.add(name(channel), listener),
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

// One command for a whole batch: encoding and sending a thousand PUBLISH commands, even
// pipelined, costs the publisher more CPU than the rest of an ingest call.
const PUBLISH_ALL = `for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return 1`;

const inProcess = new EventEmitter().setMaxListeners(0);

function createInProcessBus(name: (channel: string) => string): Bus {
  return {
    kind: 'in-process',
    async publish(channel, message) {
      inProcess.emit(name(channel), message);
    },
    async publishMany(messages) {
      const errors: unknown[] = [];
      for (const { channel, message } of messages) {
        try {
          inProcess.emit(name(channel), message);
        } catch (error) {
          errors.push(error);
        }
      }
      return errors;
    },
    subscribe(channel, listener) {
      inProcess.on(name(channel), listener);
      return () => void inProcess.off(name(channel), listener);
    },
    async close() {},
  };
}
