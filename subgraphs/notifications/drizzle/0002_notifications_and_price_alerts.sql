CREATE TYPE "public"."notification_kind" AS ENUM('PRICE_ALERT', 'TRANSACTION', 'SECURITY', 'GOAL', 'SYSTEM');--> statement-breakpoint
CREATE TYPE "public"."alert_condition" AS ENUM('ABOVE', 'BELOW');--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "notification_kind" NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"read_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "price_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"symbol" text NOT NULL,
	"condition" "alert_condition" NOT NULL,
	"threshold" numeric NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"condition_met" boolean DEFAULT false NOT NULL,
	"last_price" numeric,
	"last_tick_at" timestamp (3) with time zone,
	"fired_count" integer DEFAULT 0 NOT NULL,
	"last_fired_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	CONSTRAINT "price_alerts_threshold_positive" CHECK ("price_alerts"."threshold" > 0)
);
--> statement-breakpoint
CREATE INDEX "notifications_user_id_created_at_id_idx" ON "notifications" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "notifications_user_id_unread_idx" ON "notifications" USING btree ("user_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "price_alerts_symbol_active_idx" ON "price_alerts" USING btree ("symbol") WHERE "price_alerts"."active";--> statement-breakpoint
CREATE INDEX "price_alerts_user_id_created_at_idx" ON "price_alerts" USING btree ("user_id","created_at");