-- Row-level security for goals and allocation rules, mirroring 0002's rows of a portfolio:
-- readable when the portfolio is (its own policy decides: the owner, or an ADVISOR with an
-- unrevoked grant), writable only by the portfolio's owner. GRANT as in 0004.
GRANT SELECT, INSERT, UPDATE, DELETE ON goals, allocation_rules TO nexanest_app;
--> statement-breakpoint
ALTER TABLE goals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE goals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE allocation_rules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE allocation_rules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY goals_read ON goals FOR SELECT TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
--> statement-breakpoint
CREATE POLICY goals_owner_write ON goals FOR ALL TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()))
  WITH CHECK (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY allocation_rules_read ON allocation_rules FOR SELECT TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
--> statement-breakpoint
CREATE POLICY allocation_rules_owner_write ON allocation_rules FOR ALL TO nexanest_app
  USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()))
  WITH CHECK (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id AND p.owner_id = app_user_id()));
