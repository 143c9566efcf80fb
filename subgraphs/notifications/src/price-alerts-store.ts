import { and, asc, count, eq } from 'drizzle-orm';
import type { NotificationsDb } from './db/index.ts';
import { type AlertCondition, type PriceAlertRow, priceAlerts } from './db/schema/index.ts';

export interface NewPriceAlert {
  userId: string;
  symbol: string;
  condition: AlertCondition;
  threshold: string;
  /** Whether the latest known price already meets the condition: then only a crossing back and again fires. */
  conditionMet: boolean;
  lastPrice: string | null;
  lastTickAt: Date | null;
}

export async function insertPriceAlert(db: NotificationsDb, alert: NewPriceAlert): Promise<PriceAlertRow> {
  const [row] = await db.insert(priceAlerts).values(alert).returning();
  if (!row) throw new Error('price alert insert returned no row');
  return row;
}

/** The user's alerts, oldest first. */
export function listPriceAlerts(db: NotificationsDb, userId: string, activeOnly: boolean): Promise<PriceAlertRow[]> {
  return db
    .select()
    .from(priceAlerts)
    .where(and(eq(priceAlerts.userId, userId), activeOnly ? eq(priceAlerts.active, true) : undefined))
    .orderBy(asc(priceAlerts.createdAt), asc(priceAlerts.id));
}

/** Switches one of the user's alerts off; null when the user has no such alert. */
export async function deactivatePriceAlert(db: NotificationsDb, userId: string, id: string): Promise<PriceAlertRow | null> {
  const [row] = await db
    .update(priceAlerts)
    .set({ active: false })
    .where(and(eq(priceAlerts.id, id), eq(priceAlerts.userId, userId)))
    .returning();
  return row ?? null;
}

/** Deletes one of the user's alerts; false when the user has no such alert. */
export async function deletePriceAlert(db: NotificationsDb, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(priceAlerts)
    .where(and(eq(priceAlerts.id, id), eq(priceAlerts.userId, userId)))
    .returning({ id: priceAlerts.id });
  return rows.length > 0;
}

/** How many active alerts the user has. */
export async function countActivePriceAlerts(db: NotificationsDb, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(priceAlerts)
    .where(and(eq(priceAlerts.userId, userId), eq(priceAlerts.active, true)));
  return row?.n ?? 0;
}
