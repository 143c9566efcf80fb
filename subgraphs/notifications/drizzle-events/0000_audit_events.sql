-- The audit trail: events.system_events (sign-ins, role changes, access grants, exports,
-- deletions) and events.trading_events (transactions). TimescaleDB hypertables where the
-- extension can be used, else native range-partitioned tables with monthly partitions created on
-- demand by events.ensure_monthly_partitions (the recorder calls it before each insert), as
-- market_data does. Decided at run time so the same migration works on both kinds of server.
CREATE SCHEMA IF NOT EXISTS events;
--> statement-breakpoint
DO $$
DECLARE
  use_timescale boolean;
  t text;
BEGIN
  -- Available is not enough: CREATE EXTENSION fails unless the library is preloaded.
  use_timescale := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
    OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
        AND coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%timescaledb%');

  FOREACH t IN ARRAY ARRAY['system_events', 'trading_events'] LOOP
    -- event_id is the stream event's id: (event_id, time) is unique, so a redelivered event is
    -- recorded once. actor_id and subject_id are text: an erased user's id becomes a pseudonym.
    EXECUTE format($ddl$
      CREATE TABLE events.%I (
        "time" timestamptz NOT NULL,
        event_id uuid NOT NULL,
        kind text NOT NULL,
        actor_id text,
        subject_type text,
        subject_id text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, "time")
      ) %s$ddl$, t, CASE WHEN use_timescale THEN '' ELSE 'PARTITION BY RANGE ("time")' END);
    IF use_timescale THEN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
      PERFORM create_hypertable(format('events.%I', t), 'time', chunk_time_interval => interval '1 month');
    END IF;
    EXECUTE format('CREATE INDEX %I ON events.%I ("time" DESC, event_id DESC)', t || '_time_idx', t);
    EXECUTE format('CREATE INDEX %I ON events.%I (actor_id, "time" DESC)', t || '_actor_idx', t);
    EXECUTE format('CREATE INDEX %I ON events.%I (subject_id, "time" DESC)', t || '_subject_idx', t);
  END LOOP;

  IF use_timescale THEN
    CREATE FUNCTION events.ensure_monthly_partitions(parent text, from_time timestamptz, to_time timestamptz)
      RETURNS integer LANGUAGE sql AS $fn$ SELECT 0 $fn$;
  ELSE
    CREATE FUNCTION events.ensure_monthly_partitions(parent text, from_time timestamptz, to_time timestamptz)
      RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE
      month_start timestamp := date_trunc('month', from_time AT TIME ZONE 'UTC');
      last_month timestamp := date_trunc('month', to_time AT TIME ZONE 'UTC');
      partition_name text;
      created integer := 0;
    BEGIN
      IF parent NOT IN ('system_events', 'trading_events') THEN
        RAISE EXCEPTION 'not an audit table of events: %', parent;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('events.' || parent || '.partitions'));
      WHILE month_start <= last_month LOOP
        partition_name := parent || '_' || to_char(month_start, '"y"YYYY"m"MM');
        IF to_regclass('events.' || partition_name) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE events.%I PARTITION OF events.%I FOR VALUES FROM (%L) TO (%L)',
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
  END IF;
END
$$;
--> statement-breakpoint
-- Users erased so far, as SHA-256 hashes of their id and address with their pseudonym: an event
-- about them that arrives after the erasure is pseudonymised before it is written.
CREATE TABLE events.erased_identifiers (
  identifier_hash text PRIMARY KEY,
  pseudonym text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now()
);
