-- Candles, index levels and FX rates as time series. Like 0001, the path is decided at run time:
-- 0001 created the timescaledb extension when the server can load it, so its presence decides.
--
-- TimescaleDB: market_indices and currency_rates become hypertables; candles are continuous
-- aggregates (stock_candles_<w> over stock_prices, index_candles_<w> over market_indices) with
-- refresh policies and real-time aggregation, exposed as market_data.candles_<w> views; raw ticks
-- are compressed after 14 days. The retention policy depends on MARKET_TICK_RETENTION_DAYS and
-- is set by the service at start (src/services/tick-retention.ts).
--
-- Plain PostgreSQL: market_indices and currency_rates are range-partitioned by month like
-- stock_prices (market_data.ensure_monthly_partitions creates partitions on demand), and
-- market_data.candles_<w> are rollup tables that the ingest path upserts in the same transaction
-- as the ticks. Existing ticks are rolled up once, here.
--
-- Either way: index levels move out of stock_prices into market_indices, and reads use
-- market_data.candles_1m / _5m / _1h / _1d with the same columns.
DO $migration$
DECLARE
  timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
  spec record;
BEGIN
  IF timescale THEN
    CREATE FUNCTION market_data.ensure_monthly_partitions(parent text, from_time timestamptz, to_time timestamptz)
      RETURNS integer LANGUAGE sql AS $fn$ SELECT 0 $fn$;

    CREATE TABLE market_data.market_indices (
      symbol text NOT NULL,
      time timestamptz NOT NULL,
      value numeric NOT NULL,
      CONSTRAINT market_indices_pk PRIMARY KEY (symbol, time)
    );
    PERFORM create_hypertable('market_data.market_indices', 'time', chunk_time_interval => interval '7 days');
    PERFORM create_hypertable('market_data.currency_rates', 'time', chunk_time_interval => interval '30 days', migrate_data => true);

    INSERT INTO market_data.market_indices (symbol, time, value)
      SELECT s.symbol, s.time, s.price FROM market_data.stock_prices s
      JOIN market_data.instruments i ON i.symbol = s.symbol WHERE i.asset_class = 'INDEX';
    DELETE FROM market_data.stock_prices s USING market_data.instruments i
      WHERE i.symbol = s.symbol AND i.asset_class = 'INDEX';

    -- Refresh windows stay well inside any retention we accept (MARKET_TICK_RETENTION_DAYS >= 8),
    -- so a refresh never recomputes a bucket whose raw ticks were dropped.
    FOR spec IN SELECT * FROM (VALUES
        ('1m', '1 minute', '2 hours', '1 minute', '1 minute'),
        ('5m', '5 minutes', '6 hours', '5 minutes', '5 minutes'),
        ('1h', '1 hour', '3 days', '1 hour', '30 minutes'),
        ('1d', '1 day', '7 days', '1 day', '1 hour')) AS v(suffix, width, start_offset, end_offset, schedule)
    LOOP
      EXECUTE format($ddl$
        CREATE MATERIALIZED VIEW market_data.%I WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT symbol, time_bucket(interval %L, time) AS bucket,
               first(price, time) AS open, min(time) AS open_time, max(price) AS high, min(price) AS low,
               last(price, time) AS close, max(time) AS close_time, sum(volume) AS volume, count(*) AS ticks
        FROM market_data.stock_prices GROUP BY symbol, time_bucket(interval %L, time) WITH NO DATA$ddl$,
        'stock_candles_' || spec.suffix, spec.width, spec.width);
      EXECUTE format($ddl$
        CREATE MATERIALIZED VIEW market_data.%I WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT symbol, time_bucket(interval %L, time) AS bucket,
               first(value, time) AS open, min(time) AS open_time, max(value) AS high, min(value) AS low,
               last(value, time) AS close, max(time) AS close_time, count(*) AS ticks
        FROM market_data.market_indices GROUP BY symbol, time_bucket(interval %L, time) WITH NO DATA$ddl$,
        'index_candles_' || spec.suffix, spec.width, spec.width);
      EXECUTE format($ddl$
        CREATE VIEW market_data.%I AS
        SELECT symbol, bucket, open, open_time, high, low, close, close_time, coalesce(volume, 0) AS volume, ticks
        FROM market_data.%I
        UNION ALL
        SELECT symbol, bucket, open, open_time, high, low, close, close_time, 0::numeric AS volume, ticks
        FROM market_data.%I$ddl$,
        'candles_' || spec.suffix, 'stock_candles_' || spec.suffix, 'index_candles_' || spec.suffix);
      PERFORM add_continuous_aggregate_policy(format('market_data.%I', 'stock_candles_' || spec.suffix)::regclass,
        start_offset => spec.start_offset::interval, end_offset => spec.end_offset::interval, schedule_interval => spec.schedule::interval);
      PERFORM add_continuous_aggregate_policy(format('market_data.%I', 'index_candles_' || spec.suffix)::regclass,
        start_offset => spec.start_offset::interval, end_offset => spec.end_offset::interval, schedule_interval => spec.schedule::interval);
    END LOOP;

    ALTER TABLE market_data.stock_prices SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol', timescaledb.compress_orderby = 'time DESC');
    ALTER TABLE market_data.market_indices SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol', timescaledb.compress_orderby = 'time DESC');
    PERFORM add_compression_policy('market_data.stock_prices', compress_after => interval '14 days');
    PERFORM add_compression_policy('market_data.market_indices', compress_after => interval '14 days');
  ELSE
    CREATE FUNCTION market_data.ensure_monthly_partitions(parent text, from_time timestamptz, to_time timestamptz)
      RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE
      month_start timestamp := date_trunc('month', from_time AT TIME ZONE 'UTC');
      last_month timestamp := date_trunc('month', to_time AT TIME ZONE 'UTC');
      partition_name text;
      created integer := 0;
    BEGIN
      IF parent NOT IN ('stock_prices', 'market_indices', 'currency_rates') THEN
        RAISE EXCEPTION 'not a partitioned time series of market_data: %', parent;
      END IF;
      -- Same lock key as ensure_stock_price_partitions (0001) for stock_prices.
      PERFORM pg_advisory_xact_lock(hashtext('market_data.' || parent || '.partitions'));
      WHILE month_start <= last_month LOOP
        partition_name := parent || '_' || to_char(month_start, '"y"YYYY"m"MM');
        IF to_regclass('market_data.' || partition_name) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE market_data.%I PARTITION OF market_data.%I FOR VALUES FROM (%L) TO (%L)',
            partition_name, parent,
            (month_start AT TIME ZONE 'UTC'),
            ((month_start + interval '1 month') AT TIME ZONE 'UTC'));
          created := created + 1;
        END IF;
        month_start := month_start + interval '1 month';
      END LOOP;
      RETURN created;
    END
    $fn$;

    CREATE TABLE market_data.market_indices (
      symbol text NOT NULL,
      time timestamptz NOT NULL,
      value numeric NOT NULL,
      CONSTRAINT market_indices_pk PRIMARY KEY (symbol, time)
    ) PARTITION BY RANGE (time);

    ALTER TABLE market_data.currency_rates RENAME TO currency_rates_unpartitioned;
    ALTER TABLE market_data.currency_rates_unpartitioned RENAME CONSTRAINT currency_rates_base_quote_time_pk TO currency_rates_unpartitioned_pk;
    CREATE TABLE market_data.currency_rates (
      base text NOT NULL,
      quote text NOT NULL,
      time timestamptz NOT NULL,
      rate numeric NOT NULL,
      CONSTRAINT currency_rates_base_quote_time_pk PRIMARY KEY (base, quote, time)
    ) PARTITION BY RANGE (time);
    PERFORM market_data.ensure_monthly_partitions('currency_rates', m, m)
      FROM (SELECT DISTINCT date_trunc('month', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM market_data.currency_rates_unpartitioned) months;
    INSERT INTO market_data.currency_rates (base, quote, time, rate)
      SELECT base, quote, time, rate FROM market_data.currency_rates_unpartitioned;
    DROP TABLE market_data.currency_rates_unpartitioned;

    PERFORM market_data.ensure_monthly_partitions('market_indices', m, m)
      FROM (SELECT DISTINCT date_trunc('month', s.time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM market_data.stock_prices s
            JOIN market_data.instruments i ON i.symbol = s.symbol WHERE i.asset_class = 'INDEX') months;
    INSERT INTO market_data.market_indices (symbol, time, value)
      SELECT s.symbol, s.time, s.price FROM market_data.stock_prices s
      JOIN market_data.instruments i ON i.symbol = s.symbol WHERE i.asset_class = 'INDEX';
    DELETE FROM market_data.stock_prices s USING market_data.instruments i
      WHERE i.symbol = s.symbol AND i.asset_class = 'INDEX';

    FOR spec IN SELECT * FROM (VALUES ('1m', '1 minute'), ('5m', '5 minutes'), ('1h', '1 hour'), ('1d', '1 day')) AS v(suffix, width) LOOP
      EXECUTE format($ddl$
        CREATE TABLE market_data.%I (
          symbol text NOT NULL,
          bucket timestamptz NOT NULL,
          open numeric NOT NULL,
          open_time timestamptz NOT NULL,
          high numeric NOT NULL,
          low numeric NOT NULL,
          close numeric NOT NULL,
          close_time timestamptz NOT NULL,
          volume numeric NOT NULL,
          ticks bigint NOT NULL,
          CONSTRAINT %I PRIMARY KEY (symbol, bucket)
        )$ddl$, 'candles_' || spec.suffix, 'candles_' || spec.suffix || '_pk');
      -- The ticks stored so far, rolled up once; from here on ingest keeps the rollups current.
      EXECUTE format($ddl$
        INSERT INTO market_data.%I (symbol, bucket, open, open_time, high, low, close, close_time, volume, ticks)
        SELECT symbol, date_bin(interval %L, time, timestamptz '1970-01-01 00:00:00+00'),
               (array_agg(price ORDER BY time))[1], min(time), max(price), min(price),
               (array_agg(price ORDER BY time DESC))[1], max(time), coalesce(sum(volume), 0), count(*)
        FROM (SELECT symbol, time, price, volume FROM market_data.stock_prices
              UNION ALL SELECT symbol, time, value, NULL FROM market_data.market_indices) ticks
        GROUP BY 1, 2$ddl$, 'candles_' || spec.suffix, spec.width);
    END LOOP;
  END IF;
END
$migration$;
