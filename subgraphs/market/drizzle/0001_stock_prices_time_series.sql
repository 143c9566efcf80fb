-- market_data.stock_prices: a TimescaleDB hypertable where the extension is available, else a
-- native range-partitioned table with monthly partitions created on demand. Decided at run time.
-- Either way market_data.ensure_stock_price_partitions(from, to) exists, so ingest can always call
-- it (on TimescaleDB it does nothing: chunks are created automatically).
DO $migration$
BEGIN
  -- TimescaleDB only loads when preloaded: an available but unloaded extension would make
  -- CREATE EXTENSION fail, so that server takes the native path too.
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
     OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
         AND coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%timescaledb%') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    CREATE TABLE market_data.stock_prices (
      symbol text NOT NULL,
      time timestamptz NOT NULL,
      price numeric NOT NULL,
      volume numeric,
      CONSTRAINT stock_prices_pk PRIMARY KEY (symbol, time)
    );
    PERFORM create_hypertable('market_data.stock_prices', 'time', chunk_time_interval => interval '7 days');
    CREATE FUNCTION market_data.ensure_stock_price_partitions(from_time timestamptz, to_time timestamptz)
      RETURNS integer LANGUAGE sql AS $fn$ SELECT 0 $fn$;
  ELSE
    CREATE TABLE market_data.stock_prices (
      symbol text NOT NULL,
      time timestamptz NOT NULL,
      price numeric NOT NULL,
      volume numeric,
      CONSTRAINT stock_prices_pk PRIMARY KEY (symbol, time)
    ) PARTITION BY RANGE (time);
    CREATE FUNCTION market_data.ensure_stock_price_partitions(from_time timestamptz, to_time timestamptz)
      RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE
      month_start timestamp := date_trunc('month', from_time AT TIME ZONE 'UTC');
      last_month timestamp := date_trunc('month', to_time AT TIME ZONE 'UTC');
      partition_name text;
      created integer := 0;
    BEGIN
      -- Concurrent ingests may need the same new month; one creates it, the other sees it.
      PERFORM pg_advisory_xact_lock(hashtext('market_data.stock_prices.partitions'));
      WHILE month_start <= last_month LOOP
        partition_name := 'stock_prices_' || to_char(month_start, '"y"YYYY"m"MM');
        IF to_regclass('market_data.' || partition_name) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE market_data.%I PARTITION OF market_data.stock_prices FOR VALUES FROM (%L) TO (%L)',
            partition_name,
            (month_start AT TIME ZONE 'UTC'),
            ((month_start + interval '1 month') AT TIME ZONE 'UTC')
          );
          created := created + 1;
        END IF;
        month_start := month_start + interval '1 month';
      END LOOP;
      RETURN created;
    END
    $fn$;
  END IF;
END
$migration$;
