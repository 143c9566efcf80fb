import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import type { PortfolioDb } from './db/index.ts';
import { allocationRules, goals, type AllocationRuleRow, type GoalRow, type PortfolioRow } from './db/schema/index.ts';
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

const grouped = <T extends { portfolioId: string }>(keys: readonly string[], rows: readonly T[]): T[][] => {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(row.portfolioId, [...(groups.get(row.portfolioId) ?? []), row]);
  return keys.map((key) => groups.get(idKey(key)) ?? []);
};

/**
 * One statement per batch each. By-id loaders answer only rows whose portfolio the caller may
 * read, decided by the same `portfolioById` loader the portfolios themselves go through.
 */
export function createPlanningLoaders(db: () => Promise<PortfolioDb>, portfolioById: DataLoader<string, PortfolioRow | null>): PlanningLoaders {
  const readableOnly = async <T extends { id: string; portfolioId: string }>(ids: readonly string[], rows: readonly T[]): Promise<(T | null)[]> => {
    const visible = await portfolioById.loadMany([...new Set(rows.map((row) => row.portfolioId))]);
    const readable = new Set(visible.flatMap((portfolio) => (portfolio && !(portfolio instanceof Error) ? [portfolio.id] : [])));
    const byId = new Map(rows.filter((row) => readable.has(row.portfolioId)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(idKey(id)) ?? null);
  };
  return {
    goalsByPortfolio: new DataLoader(async (ids) => {
      const wanted = ids.filter(isUuid).map(idKey);
      if (wanted.length === 0) return ids.map(() => []);
      const rows = await (await db()).select().from(goals).where(inArray(goals.portfolioId, wanted)).orderBy(asc(goals.createdAt), asc(goals.id));
      return grouped(ids, rows);
    }),
    rulesByPortfolio: new DataLoader(async (ids) => {
      const wanted = ids.filter(isUuid).map(idKey);
      if (wanted.length === 0) return ids.map(() => []);
      const rows = await (await db())
        .select()
        .from(allocationRules)
        .where(inArray(allocationRules.portfolioId, wanted))
        .orderBy(asc(allocationRules.dimension), asc(allocationRules.key));
      return grouped(ids, rows);
    }),
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
