import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import type { PortfolioDb } from './db/index.ts';
import { allocationRules, goals, type AllocationRuleRow, type GoalRow, type PortfolioRow } from './db/schema/index.ts';
import { groupMap } from './grouping.ts';
import { idKey, isUuid } from './ids.ts';

export interface PlanningLoaders {
  /** Goals by portfolio id, oldest first. Callers pass only readable portfolios. */
  goalsByPortfolio: DataLoader<string, GoalRow[]>;
  /** Allocation rules by portfolio id, by dimension and key. Callers pass only readable portfolios. */
  rulesByPortfolio: DataLoader<string, AllocationRuleRow[]>;
  /** Goals of readable portfolios by id; null for missing or not readable. */
  goalById: DataLoader<string, GoalRow | null>;
  /** Allocation rules of readable portfolios by id; null for missing or not readable. */
  ruleById: DataLoader<string, AllocationRuleRow | null>;
}

/**
 * One list per portfolio, read through the portfolio cache when this request may use it (then only
 * for portfolios it has found readable) and straight from its transaction otherwise (loaders.ts).
 */
export type PerPortfolioRead = <T>(part: string, ids: readonly string[], load: (wanted: string[]) => Promise<Map<string, T[]>>) => Promise<T[][]>;

/**
 * One statement per batch each, none for a portfolio's goals or rules found in the cache (cached
 * as `goals` and `rules` under the portfolio's generation, which every write to them bumps). By-id
 * loaders answer only rows whose portfolio the caller may read, decided by the same
 * `portfolioById` loader the portfolios themselves go through.
 */
export function createPlanningLoaders(
  db: () => Promise<PortfolioDb>,
  portfolioById: DataLoader<string, PortfolioRow | null>,
  perPortfolio: PerPortfolioRead,
): PlanningLoaders {
  const readableOnly = async <T extends { id: string; portfolioId: string }>(ids: readonly string[], rows: readonly T[]): Promise<(T | null)[]> => {
    const visible = await portfolioById.loadMany([...new Set(rows.map((row) => row.portfolioId))]);
    const readable = new Set(visible.flatMap((portfolio) => (portfolio && !(portfolio instanceof Error) ? [portfolio.id] : [])));
    const byId = new Map(rows.filter((row) => readable.has(row.portfolioId)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(idKey(id)) ?? null);
  };
  return {
    goalsByPortfolio: new DataLoader((ids) =>
      perPortfolio('goals', ids, async (wanted) => {
        const rows = await (await db()).select().from(goals).where(inArray(goals.portfolioId, wanted)).orderBy(asc(goals.createdAt), asc(goals.id));
        return groupMap(wanted, rows, (row) => row.portfolioId);
      }),
    ),
    rulesByPortfolio: new DataLoader((ids) =>
      perPortfolio('rules', ids, async (wanted) => {
        const rows = await (await db())
          .select()
          .from(allocationRules)
          .where(inArray(allocationRules.portfolioId, wanted))
          .orderBy(asc(allocationRules.dimension), asc(allocationRules.key));
        return groupMap(wanted, rows, (row) => row.portfolioId);
      }),
    ),
    goalById: new DataLoader(async (ids) => {
      const wanted = ids.filter(isUuid).map(idKey);
      if (wanted.length === 0) return ids.map(() => null);
      return readableOnly(ids, await (await db()).select().from(goals).where(inArray(goals.id, wanted)));
    }),
    ruleById: new DataLoader(async (ids) => {
      const wanted = ids.filter(isUuid).map(idKey);
      if (wanted.length === 0) return ids.map(() => null);
      return readableOnly(ids, await (await db()).select().from(allocationRules).where(inArray(allocationRules.id, wanted)));
    }),
  };
}
