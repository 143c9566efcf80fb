CREATE TABLE "portfolio_snapshot_state" (
	"portfolio_id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"base_currency" text NOT NULL,
	"built_through" date,
	"dirty_from" date,
	"day_digests" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
