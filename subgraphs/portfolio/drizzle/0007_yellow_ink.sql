CREATE TABLE "outbox_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "outbox_events" USING btree ("created_at") WHERE "outbox_events"."published_at" is null;--> statement-breakpoint
-- Requests (nexanest_app) write events in their transaction and read none: the relay reads
-- and marks them on the owner's connection. The default privileges of 0002 granted more.
REVOKE SELECT, UPDATE, DELETE ON outbox_events FROM nexanest_app;
--> statement-breakpoint
GRANT INSERT ON outbox_events TO nexanest_app;
