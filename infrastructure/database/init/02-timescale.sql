-- The time-series database (TimescaleDB image; plain PostgreSQL works too). Schemas market_data
-- (market), analytics_ts (analytics) and events are created by the services' migrations, which
-- make hypertables when the extension is there and native partitions otherwise.
CREATE DATABASE timescale;
\connect timescale
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
  END IF;
END
$$;
