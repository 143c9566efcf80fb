-- Row-level security: defence in depth behind the resolvers' own checks. The service connects as
-- nexanest_app (owns nothing); every request runs in a transaction that sets app.user_id and
-- app.role with set_config(..., true). Unset settings match nothing.
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
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.role', true), '') $$;
--> statement-breakpoint
ALTER TABLE portfolios ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE portfolios FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE portfolio_access ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE portfolio_access FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE holdings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE holdings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cash_balances ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cash_balances FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE transactions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE transactions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Grants: the owner manages them; the advisor sees the ones naming them. No subquery here, so the
-- portfolios policy below can look at this table without recursion.
CREATE POLICY portfolio_access_read ON portfolio_access FOR SELECT TO nexanest_app
  USING (owner_id = app_user_id() OR advisor_id = app_user_id());
--> statement-breakpoint
CREATE POLICY portfolio_access_owner_insert ON portfolio_access FOR INSERT TO nexanest_app
  WITH CHECK (owner_id = app_user_id() AND EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY portfolio_access_owner_update ON portfolio_access FOR UPDATE TO nexanest_app
  USING (owner_id = app_user_id())
  WITH CHECK (owner_id = app_user_id() AND EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY portfolio_access_owner_delete ON portfolio_access FOR DELETE TO nexanest_app
  USING (owner_id = app_user_id());
--> statement-breakpoint
-- Portfolios: the owner does everything; an ADVISOR reads while an unrevoked grant names them.
CREATE POLICY portfolios_owner ON portfolios FOR ALL TO nexanest_app
  USING (owner_id = app_user_id())
  WITH CHECK (owner_id = app_user_id());
--> statement-breakpoint
CREATE POLICY portfolios_advisor_read ON portfolios FOR SELECT TO nexanest_app
  USING (app_role() = 'ADVISOR' AND EXISTS (
    SELECT 1 FROM portfolio_access a
    WHERE a.portfolio_id = portfolios.id AND a.advisor_id = app_user_id() AND a.revoked_at IS NULL));
--> statement-breakpoint
-- Rows of a portfolio: readable when the portfolio is (its own policy decides), writable by its owner.
CREATE POLICY holdings_read ON holdings FOR SELECT TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
--> statement-breakpoint
CREATE POLICY holdings_owner_write ON holdings FOR ALL TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()))
  WITH CHECK (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY cash_balances_read ON cash_balances FOR SELECT TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
--> statement-breakpoint
CREATE POLICY cash_balances_owner_write ON cash_balances FOR ALL TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()))
  WITH CHECK (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY transactions_read ON transactions FOR SELECT TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
--> statement-breakpoint
CREATE POLICY transactions_owner_write ON transactions FOR ALL TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()))
  WITH CHECK (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
