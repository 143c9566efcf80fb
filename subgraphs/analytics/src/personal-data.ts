import type { Sql } from '@nexanest/db';

/**
 * analytics' part of a user's export: the daily value snapshots of each of their portfolios
 * (the only personal data analytics holds), oldest first per portfolio.
 */
export async function exportAnalytics(sql: Sql, userId: string): Promise<Record<string, unknown>> {
  const rows = await sql<{ portfolio_id: string; time: string; total_value: string; currency: string; net_flow: string }[]>`
    select portfolio_id::text, "time"::text, total_value::text, currency, net_flow::text
    from analytics_ts.portfolio_snapshots where owner_id = ${userId}::uuid
    order by portfolio_id, "time"`;
  const byPortfolio = new Map<string, { time: string; totalValue: string; currency: string; netFlow: string }[]>();
  for (const row of rows) {
    const list = byPortfolio.get(row.portfolio_id) ?? [];
    list.push({ time: new Date(row.time).toISOString(), totalValue: row.total_value, currency: row.currency, netFlow: row.net_flow });
    byPortfolio.set(row.portfolio_id, list);
  }
  return { portfolioSnapshots: [...byPortfolio].map(([portfolioId, snapshots]) => ({ portfolioId, snapshots })) };
}

/**
 * Erases what analytics holds about a user (on user.deleted): their snapshots in the time-series
 * database, the snapshot builder's state of their portfolios (it names the owner) and those
 * portfolios' snapshot jobs. Idempotent.
 */
export async function eraseUserAnalytics(sql: { analytics: Sql; timescale: Sql }, userId: string): Promise<void> {
  const snapshots = await sql.timescale<{ portfolio_id: string }[]>`
    delete from analytics_ts.portfolio_snapshots where owner_id = ${userId}::uuid returning portfolio_id::text`;
  const states = await sql.analytics<{ portfolio_id: string }[]>`
    delete from portfolio_snapshot_state where owner_id = ${userId}::uuid returning portfolio_id::text`;
  const ids = [...new Set([...snapshots, ...states].map((row) => row.portfolio_id))];
  if (ids.length > 0) await sql.analytics`delete from snapshot_jobs where portfolio_id = any(${ids}::text[]::uuid[])`;
}
