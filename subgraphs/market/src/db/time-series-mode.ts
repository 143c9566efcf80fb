import type { Sql } from '@nexanest/db';

/**
 * How the time series are stored, as the migrations decided: TimescaleDB hypertables with
 * continuous aggregates, or native monthly partitions with rollup tables kept by ingest.
 */
export type TimeSeriesMode = 'timescaledb' | 'partitioned';

/** Reads the mode from the migrated database: the migrations chose TimescaleDB iff the extension is installed. */
export async function detectTimeSeriesMode(sql: Sql): Promise<TimeSeriesMode> {
  const [row] = await sql<{ timescale: boolean }[]>`select exists (select 1 from pg_extension where extname = 'timescaledb') as timescale`;
  return row?.timescale ? 'timescaledb' : 'partitioned';
}
