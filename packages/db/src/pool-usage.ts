import type postgres from 'postgres';

/** A pool's connections at one moment, as `/metrics` reports them. */
export interface PoolUsage {
  /** Connections the pool may open (`max`). */
  max: number;
  /** Connections open now (connected, not yet closed by idle timeout or an error). */
  open: number;
  /** Units of work holding a connection: a transaction, a reserved connection, a running query. */
  inUse: number;
  /** Open connections with nothing to do. */
  idle: number;
  /** Units of work beyond `max`: queued by postgres.js (a plain query may instead share a busy connection). */
  waiting: number;
}

/**
 * postgres.js exposes no pool statistics (porsager/postgres#443), so they are counted here,
 * deliberately, from its public surface: `debug` names the connection each statement is sent on
 * and `onclose` the connection that closed (open connections), and the pool's client is wrapped
 * so that each transaction (`begin`), reserved connection (`reserve`) and executed query counts
 * as one unit of work from the call until it settles. A query counts when it is awaited (its
 * `then`); fragments nested in other queries are never awaited and never count. Cursors and
 * `execute()` are not counted (nothing here uses them).
 */
export function createPoolUsage(max: number) {
  const open = new Set<number>();
  let units = 0;
  const start = () => {
    units++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      units--;
    };
  };

  /** Counts a query from its first `then` until it settles. */
  const counted = <T>(result: T): T => {
    if (!(result instanceof Promise)) return result;
    const then = result.then;
    let started = false;
    Object.defineProperty(result, 'then', {
      configurable: true,
      writable: true,
      value(this: Promise<unknown>, ...args: Parameters<Promise<unknown>['then']>) {
        if (!started) {
          started = true;
          const done = start();
          then.call(this, done, done);
        }
        return then.apply(this, args);
      },
    });
    return result;
  };

  return {
    /** postgres.js options that report open connections (`debug` is passed the next hook, e.g. a statement counter). */
    hooks(debug: () => void) {
      return {
        debug: (connection: number) => {
          open.add(connection);
          debug();
        },
        onclose: (connection: number) => void open.delete(connection),
      };
    },
    /** The client, with every unit of work counted. */
    track(sql: postgres.Sql): postgres.Sql {
      const begin = (...args: unknown[]) => {
        const done = start();
        return (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args).finally(done);
      };
      const reserve = async () => {
        const done = start();
        try {
          const reserved = await sql.reserve();
          const release = reserved.release;
          reserved.release = () => {
            done();
            release();
          };
          return reserved;
        } catch (error) {
          done();
          throw error;
        }
      };
      const unsafe = (...args: Parameters<postgres.Sql['unsafe']>) => counted(sql.unsafe(...args));
      return new Proxy(sql, {
        apply: (target, self, args) => counted(Reflect.apply(target, self, args)),
        get: (target, property, receiver) => {
          if (property === 'begin') return begin;
          if (property === 'reserve') return reserve;
          if (property === 'unsafe') return unsafe;
          return Reflect.get(target, property, receiver);
        },
      });
    },
    usage(): PoolUsage {
      const inUse = Math.min(max, units);
      return { max, open: open.size, inUse, idle: Math.max(0, open.size - inUse), waiting: Math.max(0, units - max) };
    },
  };
}
