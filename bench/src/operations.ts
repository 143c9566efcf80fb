import { operation } from '../../test/support/operations.ts';
import type { BenchUser } from './dataset.ts';

export type OperationName = 'Dashboard' | 'PortfolioDetail';
export const OPERATIONS: OperationName[] = ['Dashboard', 'PortfolioDetail'];

const DAY_MS = 86_400_000;
const documents = { Dashboard: operation('Dashboard'), PortfolioDetail: operation('PortfolioDetail') };
// The recorded contract operations, as a client sends them. PortfolioDetail asks for 90 days of snapshots.
const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
const from = new Date(to.getTime() - 90 * DAY_MS);

/** The JSON body of `name` for `user` (PortfolioDetail: their n-th portfolio). */
export function bodyFor(name: OperationName, user: BenchUser, n = 0): string {
  if (name === 'Dashboard') return JSON.stringify({ query: documents.Dashboard, operationName: 'Dashboard' });
  const id = user.portfolioIds[n % user.portfolioIds.length];
  return JSON.stringify({
    query: documents.PortfolioDetail,
    operationName: 'PortfolioDetail',
    variables: { id, from: from.toISOString(), to: to.toISOString() },
  });
}
