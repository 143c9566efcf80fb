import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import type { PartitionCache } from '../db/partitions.ts';
import type { TimeSeriesMode } from '../db/time-series-mode.ts';

/** The raw-tick series that retention applies to; candles and FX rates are kept. */
export const RETAINED_SERIES = ['stock_prices', 'market_indices'] as const;

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  sql: Sql;
  mode: TimeSeriesMode;
  /** Raw ticks are kept this many days; 0 or null keeps them forever. */
  retentionDays: number | null;
  /** The ingest's partition cache: dropped months are forgotten so they would be checked again. */
  partitions?: PartitionCache;
  now?: () => Date;
  logger?: Logger;
}

/**
 * Plain PostgreSQL: detaches and drops every raw-tick partition whose whole range is older than
 * the retention horizon (never a row-by-row DELETE), in one short transaction per partition.
 * A partition still holding a tick younger than the horizon is kept. Replicas take turns through
 * an advisory lock. Returns the dropped partitions (market_data.<name>).
 *
 * TimescaleDB: (re)sets add_retention_policy on both hypertables to the configured interval and
 * lets TimescaleDB drop chunks; returns [].
 */
export async function applyTickRetention(deps: RetentionDeps): Promise<string[]> {
  if (deps.mode === 'timescaledb') {
    await setTimescaleRetention(deps.sql, deps.retentionDays);
    return [];
  }
  if (!deps.retentionDays) return [];
  const horizon = new Date((deps.now?.() ?? new Date()).getTime() - deps.retentionDays * DAY_MS);
  const expired = await deps.sql<{ parent: string; name: string; upper: string }[]>`
    select p.relname as parent, c.relname as name, b.upper
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace
    cross join lateral (select (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1] as upper) b
    where n.nspname = 'market_data' and p.relname = any(${[...RETAINED_SERIES]}::text[])
      and b.upper is not null and b.upper::timestamptz <= ${horizon.toISOString()}::timestamptz
    order by b.upper::timestamptz, c.relname`;
  const dropped: string[] = [];
  for (const partition of expired) {
    const done = await deps.sql.begin(async (tx) => {
      const [turn] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(hashtext('market_data.tick_retention')) as ok`;
      if (!turn?.ok) return false;
      // Waiting for a long ingest would queue every later ingest behind us: give up and retry next run.
      await tx`set local lock_timeout = '5s'`;
      if (
        !(await tx`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'market_data' and c.relname = ${partition.name}`)
          .length
      )
        return false;
      await tx`alter table ${tx(`market_data.${partition.parent}`)} detach partition ${tx(`market_data.${partition.name}`)}`;
      await tx`drop table ${tx(`market_data.${partition.name}`)}`;
      return true;
    });
    if (!done) continue;
    dropped.push(`market_data.${partition.name}`);
    const month = /_y(\d{4})m(\d{2})$/.exec(partition.name);
    if (month) deps.partitions?.delete(`${partition.parent}:${month[1]}-${month[2]}`);
  }
  if (dropped.length > 0) deps.logger?.info({ dropped, horizon }, 'dropped expired raw-tick partitions');
  return dropped;
}

async function setTimescaleRetention(sql: Sql, retentionDays: number | null): Promise<void> {
  for (const table of RETAINED_SERIES) {
    const relation = `market_data.${table}`;
    await sql`select remove_retention_policy(${relation}::regclass, if_exists => true)`;
    if (retentionDays) await sql`select add_retention_policy(${relation}::regclass, drop_after => make_interval(days => ${retentionDays}::int))`;
  }
}

/** Runs retention now and then every `intervalMs` until stopped; failures are logged, never thrown. */
export function startTickRetention(deps: RetentionDeps & { intervalMs: number }): { ready: Promise<void>; stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  // A slow run (waiting on locks) is never overlapped by the next tick of the timer.
  const run = () => {
    running ??= applyTickRetention(deps)
      .catch((error: unknown) => deps.logger?.error({ err: error }, 'raw-tick retention failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const ready = run().then(() => undefined);
  // On TimescaleDB the policy runs inside the database: setting it once is enough.
  const timer = deps.mode === 'partitioned' && deps.retentionDays ? setInterval(run, deps.intervalMs) : undefined;
  timer?.unref();
  return {
    ready,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
