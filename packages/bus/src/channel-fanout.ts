/**
 * Reference-counted channel membership: the first listener of a channel subscribes upstream,
 * the last one to leave unsubscribes. Shared by the Redis bus and the in-process bus.
 */
export function createChannelFanout(hooks: { onFirst(channel: string): void; onLast(channel: string): void }) {
  const listeners = new Map<string, Set<(message: string) => void>>();
  return {
    add(channel: string, listener: (message: string) => void) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        hooks.onFirst(channel);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(channel);
        if (!current?.delete(listener) || current.size > 0) return;
        listeners.delete(channel);
        hooks.onLast(channel);
      };
    },
    deliver(channel: string, message: string) {
      for (const listener of listeners.get(channel) ?? []) listener(message);
    },
    channels: () => [...listeners.keys()],
  };
}
