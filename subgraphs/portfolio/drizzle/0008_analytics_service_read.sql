-- Read-only access for a signed internal route of the analytics snapshot builder: portfolios and
-- their ledgers, across owners, while the transaction sets app.service = 'analytics'. Requests
-- never set app.service (only app.user_id and app.role), so nothing a client sends can reach it.
CREATE FUNCTION app_service() RETURNS text LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.service', true), '') $$;
--> statement-breakpoint
CREATE POLICY portfolios_analytics_read ON portfolios FOR SELECT TO nexanest_app
  USING (app_service() = 'analytics');
--> statement-breakpoint
CREATE POLICY transactions_analytics_read ON transactions FOR SELECT TO nexanest_app
  USING (app_service() = 'analytics');
