CREATE TABLE "market_data"."backfill_checkpoints" (
	"file_key" text PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"lines_done" bigint NOT NULL,
	"accepted" bigint DEFAULT 0 NOT NULL,
	"rejected" bigint DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "market_data"."latest_prices" ADD COLUMN "revision" bigint DEFAULT 0 NOT NULL;