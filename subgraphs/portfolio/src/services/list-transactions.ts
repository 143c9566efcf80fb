import { and, count, desc, eq, sql } from 'drizzle-orm';
import { badInput } from '@nexanest/graphql';
import type { PortfolioDb } from '../db/index.ts';
import { transactions, type TransactionRow } from '../db/schema/index.ts';
import { isUuid } from '../ids.ts';

export const TRANSACTIONS_PAGE_MAX = 100;
export const TRANSACTIONS_PAGE_DEFAULT = 20;

export interface TransactionConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: TransactionRow }[];
}

/** The cursor is the row's position in the order (executed_at, id), opaque to clients. */
const encodeCursor = (row: Pick<TransactionRow, 'executedAt' | 'id'>) =>
  Buffer.from(JSON.stringify([row.executedAt.toISOString(), row.id])).toString('base64url');

function decodeCursor(cursor: string): { executedAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2) {
      const [executedAt, id] = value as unknown[];
      if (typeof executedAt === 'string' && typeof id === 'string' && isUuid(id) && !Number.isNaN(Date.parse(executedAt))) {
        return { executedAt: new Date(executedAt).toISOString(), id: id.toLowerCase() };
      }
    }
  } catch {
    // falls through to the refusal below
  }
  throw badInput('after is not a cursor from this list', 'after');
}

/**
 * One page of a portfolio's ledger, newest first, by keyset on (executed_at, id): a page never
 * skips or repeats an entry when entries are recorded meanwhile, and costs the same at any depth.
 * The caller has already checked that the portfolio is readable.
 */
export async function listTransactions(
  db: PortfolioDb,
  portfolioId: string,
  args: { first?: number | null; after?: string | null },
): Promise<TransactionConnection> {
  const first = args.first ?? TRANSACTIONS_PAGE_DEFAULT;
  if (!Number.isInteger(first) || first < 0 || first > TRANSACTIONS_PAGE_MAX) throw badInput(`first must be 0 to ${TRANSACTIONS_PAGE_MAX}`, 'first');
  const after = args.after ? decodeCursor(args.after) : null;
  const ofPortfolio = eq(transactions.portfolioId, portfolioId);
  const rows = await db
    .select()
    .from(transactions)
    .where(
      after ? and(ofPortfolio, sql`(${transactions.executedAt}, ${transactions.id}) < (${after.executedAt}::timestamptz, ${after.id}::uuid)`) : ofPortfolio,
    )
    .orderBy(desc(transactions.executedAt), desc(transactions.id))
    .limit(first + 1);
  const [total] = await db.select({ n: count() }).from(transactions).where(ofPortfolio);
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    totalCount: Number(total?.n ?? 0),
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    edges,
  };
}
