import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const OPERATIONS_MAX = 200;

/**
 * One Prometheus registry per service (several services may share a process): process metrics,
 * and GraphQL operations counted and timed by operation name. Names come from clients, so they
 * are bounded: malformed ones count as `invalid`, and past 200 distinct names as `other`.
 */
export function createServiceMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations handled, by operation name and outcome (ok or error).',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its answer.',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const seen = new Set<string>();
  const label = (name: string | null | undefined) => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'invalid';
    if (seen.has(name)) return name;
    if (seen.size >= OPERATIONS_MAX) return 'other';
    seen.add(name);
    return name;
  };

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      const stop = duration.startTimer();
      return {
        async willSendResponse({ operationName, response }) {
          const operation = label(operationName);
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          operations.inc({ operation, outcome: failed ? 'error' : 'ok' });
          stop({ operation });
        },
      };
    },
  };

  return {
    registry,
    plugin,
    /** A gauge read when Prometheus scrapes (e.g. pool connections, active subscriptions). */
    gauge(name: string, help: string, labelNames: string[], collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void) {
      return new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          await collect((labels, value) => this.set(labels, value));
        },
      });
    },
    counter(name: string, help: string, labelNames: string[]) {
      return new Counter({ name, help, labelNames, registers: [registry] });
    },
    histogram(name: string, help: string, labelNames: string[]) {
      return new Histogram({ name, help, labelNames, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
    },
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;

const byServer = new WeakMap<object, ServiceMetrics>();

/** Remembers a server's metrics, so `listen` can serve them without every caller passing them on. */
export const attachMetrics = (server: object, metrics: ServiceMetrics) => void byServer.set(server, metrics);
export const metricsOf = (server: object): ServiceMetrics | undefined => byServer.get(server);
