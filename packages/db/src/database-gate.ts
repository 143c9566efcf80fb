import type postgres from 'postgres';
import { DATABASE_DOWN } from './database-gate-code.ts';
import { isDatabaseUnavailable } from './database-unavailable.ts';

export interface DatabaseGateOptions {
  /** While the database is down, one unit of work per interval still goes through, as a probe (default 250 ms). */
  probeIntervalMs?: number;
  now?: () => number;
}

export interface DatabaseGate {
  /** The client, with every query, transaction and reservation passed through the gate. */
  wrap(sql: postgres.Sql): postgres.Sql;
  /** True from a failure to reach the database until a unit of work succeeds again. */
  isDown(): boolean;
}

const downError = () => Object.assign(new Error('The database is unreachable (a recent attempt failed); not queued'), { code: DATABASE_DOWN });

/**
 * Fails fast while the database is unreachable. postgres.js queues every query behind its
 * reconnect attempts, so during an outage each request would wait one or more backoff rounds (1-4 s
 * measured with a crashed server) before it hears of it. The gate notes a connection-class failure
 * (refused, closed, shutting down, starting up) and from then on answers at once with a
 * DATABASE_DOWN error (which `isDatabaseUnavailable` recognises), except for one unit of work per
 * `probeIntervalMs`, which goes through and reconnects the pool. Any answer from the database (a
 * result, or an SQL error) opens the gate again.
 */
export function createDatabaseGate(options: DatabaseGateOptions = {}): DatabaseGate {
  const probeIntervalMs = options.probeIntervalMs ?? 250;
  const now = options.now ?? Date.now;
  let down = false;
  let lastProbe = 0;

  const admit = (): boolean => {
    if (!down) return true;
    if (now() - lastProbe < probeIntervalMs) return false;
    lastProbe = now();
    return true;
  };
  const settled = (error?: unknown) => {
    if (error === undefined) down = false;
    else if (isDatabaseUnavailable(error)) {
      if ((error as { code?: unknown }).code === DATABASE_DOWN) return;
      if (!down) lastProbe = now();
      down = true;
    } else down = false;
  };
  const observe = <T>(work: Promise<T>): Promise<T> =>
    work.then(
      (value) => {
        settled();
        return value;
      },
      (error: unknown) => {
        settled(error);
        throw error;
      },
    );

  /** postgres.js queries run when first awaited: a refused one is never sent. */
  const gated = <T>(result: T): T => {
    if (!(result instanceof Promise)) return result;
    const then = result.then;
    let verdict: Promise<unknown> | undefined;
    Object.defineProperty(result, 'then', {
      configurable: true,
      writable: true,
      value(this: Promise<unknown>, ...args: Parameters<Promise<unknown>['then']>) {
        verdict ??= admit() ? observe(new Promise((resolve, reject) => then.call(this, resolve, reject))) : Promise.reject(downError());
        return verdict.then(...args);
      },
    });
    return result;
  };

  return {
    isDown: () => down,
    wrap(sql) {
      const begin = (...args: unknown[]) => (admit() ? observe((sql.begin as (...a: unknown[]) => Promise<unknown>)(...args)) : Promise.reject(downError()));
      const reserve = () => (admit() ? observe(sql.reserve()) : Promise.reject(downError()));
      const unsafe = (...args: Parameters<postgres.Sql['unsafe']>) => gated(sql.unsafe(...args));
      return new Proxy(sql, {
        apply: (target, self, args) => gated(Reflect.apply(target, self, args)),
        get: (target, property, receiver) => {
          if (property === 'begin') return begin;
          if (property === 'reserve') return reserve;
          if (property === 'unsafe') return unsafe;
          return Reflect.get(target, property, receiver);
        },
      });
    },
  };
}
