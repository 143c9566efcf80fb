import { LEDGER_DIGESTS_PATH, LEDGER_PATH, postInternal, type LateUrl } from '@nexanest/graphql';
import type { LedgerEntry } from './valuation.ts';

export interface PortfolioDigest {
  id: string;
  ownerId: string;
  baseCurrency: string;
  /** One md5 per UTC day that has ledger entries, oldest first. */
  days: { day: string; digest: string }[];
}

export interface PortfolioLedger {
  portfolio: { id: string; ownerId: string; baseCurrency: string };
  transactions: LedgerEntry[];
}

/** The portfolio subgraph's signed internal routes: analytics never opens portfolio's database. */
export interface PortfolioLedgerClient {
  /** A page of portfolios (ordered by id, after `after`), or the ones named, with their day digests. */
  digests(query: { after?: string | null; limit: number; portfolioIds?: string[] }): Promise<PortfolioDigest[]>;
  /** The whole ledger of one portfolio in ledger order; null when it does not exist. */
  ledger(portfolioId: string): Promise<PortfolioLedger | null>;
}

export function createPortfolioLedgerClient(options: { url: LateUrl; secret: string; timeoutMs?: number }): PortfolioLedgerClient {
  const call = <T>(path: string, body: unknown) =>
    postInternal<T>({ service: 'portfolio', graphqlUrl: options.url, path, body, secret: options.secret, timeoutMs: options.timeoutMs ?? 30_000 });
  return {
    async digests(query) {
      const answer = await call<{ portfolios: PortfolioDigest[] }>(LEDGER_DIGESTS_PATH, query);
      return answer.body?.portfolios ?? [];
    },
    async ledger(portfolioId) {
      const answer = await call<PortfolioLedger>(LEDGER_PATH, { portfolioId });
      return answer.status === 404 ? null : answer.body;
    },
  };
}
