-- Row-level security for watchlists, as in 0002: a watchlist and its items belong to one user and
-- nobody else reads or writes them (advisor grants cover portfolios, not watchlists). The default
-- privileges of 0002 already grant these tables to nexanest_app when the same owner creates them;
-- the explicit GRANT keeps that true if migrations ever run as another role.
GRANT SELECT, INSERT, UPDATE, DELETE ON watchlists, watchlist_items TO nexanest_app;
--> statement-breakpoint
ALTER TABLE watchlists ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE watchlists FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE watchlist_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE watchlist_items FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY watchlists_owner ON watchlists FOR ALL TO nexanest_app
  USING (owner_id = app_user_id())
  WITH CHECK (owner_id = app_user_id());
--> statement-breakpoint
CREATE POLICY watchlist_items_owner ON watchlist_items FOR ALL TO nexanest_app
  USING (EXISTS (SELECT 1 FROM watchlists w WHERE w.id = watchlist_id AND w.owner_id = app_user_id()))
  WITH CHECK (EXISTS (SELECT 1 FROM watchlists w WHERE w.id = watchlist_id AND w.owner_id = app_user_id()));
