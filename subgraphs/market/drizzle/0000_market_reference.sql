CREATE SCHEMA "market_data";
--> statement-breakpoint
CREATE TYPE "market_data"."asset_class" AS ENUM('STOCK', 'ETF', 'INDEX', 'CURRENCY');--> statement-breakpoint
CREATE TABLE "market_data"."instruments" (
	"symbol" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"exchange" text NOT NULL,
	"asset_class" "market_data"."asset_class" NOT NULL,
	"sector" text,
	"country" text NOT NULL,
	"currency" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_data"."latest_prices" (
	"symbol" text PRIMARY KEY NOT NULL,
	"price" numeric NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"open" numeric NOT NULL,
	"open_time" timestamp with time zone NOT NULL,
	"high" numeric NOT NULL,
	"low" numeric NOT NULL,
	"volume" numeric,
	"prev_close" numeric
);
--> statement-breakpoint
CREATE TABLE "market_data"."currency_rates" (
	"base" text NOT NULL,
	"quote" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"rate" numeric NOT NULL,
	CONSTRAINT "currency_rates_base_quote_time_pk" PRIMARY KEY("base","quote","time")
);
--> statement-breakpoint
ALTER TABLE "market_data"."latest_prices" ADD CONSTRAINT "latest_prices_symbol_instruments_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "market_data"."instruments"("symbol") ON DELETE no action ON UPDATE no action;