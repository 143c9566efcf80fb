CREATE TABLE "portfolio_access" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"portfolio_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"advisor_id" uuid NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "portfolio_access_portfolio_advisor" UNIQUE("portfolio_id","advisor_id")
);
--> statement-breakpoint
ALTER TABLE "portfolios" ADD COLUMN "benchmark_symbol" text DEFAULT 'SPY' NOT NULL;--> statement-breakpoint
ALTER TABLE "portfolio_access" ADD CONSTRAINT "portfolio_access_portfolio_id_portfolios_id_fk" FOREIGN KEY ("portfolio_id") REFERENCES "public"."portfolios"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portfolio_access_advisor_idx" ON "portfolio_access" USING btree ("advisor_id");--> statement-breakpoint
CREATE INDEX "portfolio_access_owner_idx" ON "portfolio_access" USING btree ("owner_id");