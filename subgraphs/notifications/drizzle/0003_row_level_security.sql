-- Row-level security: defence in depth behind the resolvers' own checks. Requests run as
-- nexanest_app (owns nothing) in a transaction that sets app.user_id and app.role with
-- set_config(..., true). Background workers (the price-alert evaluator, the email events
-- consumer) act for the system and use the owner's connection. Unset settings match nothing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nexanest_app') THEN
    CREATE ROLE nexanest_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database's migration created it at the same moment
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO nexanest_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nexanest_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO nexanest_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.role', true), '') $$;
--> statement-breakpoint
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE price_alerts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE price_alerts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE outbound_emails ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE outbound_emails FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notification_preferences_owner ON notification_preferences FOR ALL TO nexanest_app
  USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY notifications_owner ON notifications FOR ALL TO nexanest_app
  USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY price_alerts_owner ON price_alerts FOR ALL TO nexanest_app
  USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
--> statement-breakpoint
-- The outbox is written by the system only; operators read it (OutboundEmails is ADMIN-only).
CREATE POLICY outbound_emails_operator_read ON outbound_emails FOR SELECT TO nexanest_app
  USING (app_role() IN ('ADMIN', 'SUPERUSER'));
