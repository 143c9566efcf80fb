import type { ServiceMetrics } from './metrics.ts';

/** What a pool reports (packages/db's `Pool.usage()`); structural, so this package needs no database. */
export interface PoolUsageSource {
  usage(): { max: number; open: number; inUse: number; idle: number; waiting: number };
}

/** One consumer group of a Redis stream, as XINFO GROUPS describes it. */
export interface StreamGroupInfo {
  stream: string;
  group: string;
  consumers: number;
  /** Entries delivered to a consumer and not acknowledged yet. */
  pending: number;
  /** Entries in the stream not yet delivered to the group; null when Redis cannot tell (after XDEL or a trim). */
  lag: number | null;
}

/** The stores a service reports on at each scrape. */
export interface StoreObservations {
  /** Pools by name (`app`, `system`, `timescale`, ...). */
  pools?: Record<string, PoolUsageSource>;
  /** Reads the consumer groups of the service's streams (XINFO GROUPS); a failed read leaves the series out. */
  streamGroups?: () => Promise<StreamGroupInfo[]>;
}

/**
 * Gauges read when Prometheus scrapes: `db_pool_connections{pool,state=open|in_use|idle}`,
 * `db_pool_waiting{pool}` and `db_pool_max_connections{pool}`; per stream consumer group
 * `redis_stream_group_pending`, `redis_stream_group_lag` and `redis_stream_group_consumers`.
 */
export function observeStores(metrics: ServiceMetrics, observations: StoreObservations): void {
  const pools = Object.entries(observations.pools ?? {});
  if (pools.length > 0) {
    metrics.gauge(
      'db_pool_connections',
      'Connections of each database pool: open, in use (a transaction or query holds it), idle.',
      ['pool', 'state'],
      (set) => {
        for (const [pool, source] of pools) {
          const usage = source.usage();
          set({ pool, state: 'open' }, usage.open);
          set({ pool, state: 'in_use' }, usage.inUse);
          set({ pool, state: 'idle' }, usage.idle);
        }
      },
    );
    metrics.gauge('db_pool_waiting', 'Units of work waiting for a connection of the pool (beyond its maximum).', ['pool'], (set) => {
      for (const [pool, source] of pools) set({ pool }, source.usage().waiting);
    });
    metrics.gauge('db_pool_max_connections', 'Connections the pool may open.', ['pool'], (set) => {
      for (const [pool, source] of pools) set({ pool }, source.usage().max);
    });
  }
  const read = observations.streamGroups;
  if (read) {
    // One XINFO per scrape, shared by the three gauges (prom-client collects them one after another).
    let sample: Promise<StreamGroupInfo[]> | null = null;
    const groups = () => {
      sample ??= read()
        .catch(() => [])
        .finally(() => setImmediate(() => (sample = null)));
      return sample;
    };
    const gauge = (name: string, help: string, value: (group: StreamGroupInfo) => number | null) =>
      metrics.gauge(name, help, ['stream', 'group'], async (set) => {
        for (const group of await groups()) {
          const v = value(group);
          if (v !== null) set({ stream: group.stream, group: group.group }, v);
        }
      });
    gauge('redis_stream_group_pending', 'Entries delivered to the consumer group and not acknowledged (XINFO GROUPS pending).', (g) => g.pending);
    gauge('redis_stream_group_lag', 'Entries of the stream not yet delivered to the consumer group (XINFO GROUPS lag).', (g) => g.lag);
    gauge('redis_stream_group_consumers', 'Consumers in the group.', (g) => g.consumers);
  }
}
