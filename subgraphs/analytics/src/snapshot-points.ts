import type { SnapshotPoint } from './domain/snapshot-series.ts';

/** A snapshot point as the reads select it: amounts as text, so no JavaScript number holds one. */
export interface PointRow {
  portfolio_id: string;
  time: string;
  total_value: string;
  currency: string;
  net_flow: string;
}

/** Rows (ordered by portfolio and time) as each asked-for portfolio's series; an empty one for a portfolio without rows. */
export function pointsByPortfolio(portfolioIds: readonly string[], rows: readonly PointRow[]): Map<string, SnapshotPoint[]> {
  const series = new Map<string, SnapshotPoint[]>(portfolioIds.map((id) => [id, []]));
  for (const row of rows)
    series.get(row.portfolio_id)?.push({ time: new Date(row.time), totalValue: row.total_value, currency: row.currency, netFlow: row.net_flow });
  return series;
}
