-- Daily portfolio values. A TimescaleDB hypertable where the extension can be used, else a
-- native range-partitioned table (yearly partitions 2020..2035 plus a DEFAULT partition).
-- Decided at run time so the same migration works on both kinds of server.
CREATE SCHEMA IF NOT EXISTS analytics_ts;
--> statement-breakpoint
DO $$
DECLARE
  use_timescale boolean;
  y integer;
BEGIN
  -- Available is not enough: CREATE EXTENSION fails unless the library is preloaded.
  use_timescale := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
    OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
        AND coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%timescaledb%');

  IF use_timescale THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    CREATE TABLE analytics_ts.portfolio_snapshots (
      portfolio_id uuid NOT NULL,
      owner_id uuid NOT NULL,
      "time" timestamptz NOT NULL,
      total_value numeric NOT NULL,
      currency text NOT NULL,
      net_flow numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (portfolio_id, "time")
    );
    PERFORM create_hypertable('analytics_ts.portfolio_snapshots', 'time', chunk_time_interval => interval '3 months');
  ELSE
    CREATE TABLE analytics_ts.portfolio_snapshots (
      portfolio_id uuid NOT NULL,
      owner_id uuid NOT NULL,
      "time" timestamptz NOT NULL,
      total_value numeric NOT NULL,
      currency text NOT NULL,
      net_flow numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (portfolio_id, "time")
    ) PARTITION BY RANGE ("time");
    CREATE TABLE analytics_ts.portfolio_snapshots_default PARTITION OF analytics_ts.portfolio_snapshots DEFAULT;
    FOR y IN 2020..2035 LOOP
      EXECUTE format(
        'CREATE TABLE analytics_ts.%I PARTITION OF analytics_ts.portfolio_snapshots FOR VALUES FROM (%L) TO (%L)',
        'portfolio_snapshots_' || y,
        make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC'),
        make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC'));
    END LOOP;
  END IF;
END
$$;
--> statement-breakpoint
CREATE INDEX portfolio_snapshots_owner_idx ON analytics_ts.portfolio_snapshots (owner_id, "time");
