import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { NotificationsDb, NotificationsPool } from './db/index.ts';
import { type NotificationRow, notificationPreferences, notifications, outboundEmails, priceAlerts } from './db/schema/index.ts';
import { ADDRESS_SOURCE_KINDS, renderAlertEmail } from './domain/emails.ts';
import { renderAlertNotification } from './domain/price-alerts.ts';
import { DEFAULT_PREFERENCES, pickPreferences, type Preferences } from './domain/preferences.ts';

/**
 * The alert evaluator's database access. It runs outside any request (no caller: a system
 * context), so everything it reads and writes is here, on the pool itself.
 */

/** A price tick as market publishes it on `prices:<SYMBOL>`. */
export interface Tick {
  symbol: string;
  price: string;
  time: Date;
}

/** Symbols that have at least one active alert: the price channels worth listening to. */
export async function listWatchedSymbols(db: NotificationsPool['db']): Promise<string[]> {
  const rows = await db.selectDistinct({ symbol: priceAlerts.symbol }).from(priceAlerts).where(eq(priceAlerts.active, true));
  return rows.map((row) => row.symbol);
}

/**
 * Evaluates the active alerts of the tick's symbol, in one transaction under a per-symbol
 * advisory lock (so instances evaluating the same tick take turns). An alert fires when its
 * condition turns from unmet to met; a tick not newer than the alert's last one is ignored, so a
 * repeated or late tick changes nothing. Each firing becomes a PRICE_ALERT notification and/or
 * an alert email, as the owner's preferences say. Returns the stored notifications, for the
 * caller to publish after COMMIT.
 */
export async function applyTick(db: NotificationsPool['db'], tick: Tick, options: { appUrl: string }): Promise<NotificationRow[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`price_alerts:${tick.symbol}`}))`);
    const met = sql`(case when ${priceAlerts.condition} = 'ABOVE' then ${tick.price}::numeric > ${priceAlerts.threshold} else ${tick.price}::numeric < ${priceAlerts.threshold} end)`;
    const newer = or(isNull(priceAlerts.lastTickAt), lt(priceAlerts.lastTickAt, tick.time));
    const forSymbol = and(eq(priceAlerts.symbol, tick.symbol), eq(priceAlerts.active, true), newer);
    const fired = await tx
      .update(priceAlerts)
      .set({
        conditionMet: true,
        lastPrice: tick.price,
        lastTickAt: tick.time,
        firedCount: sql`${priceAlerts.firedCount} + 1`,
        lastFiredAt: sql`date_trunc('milliseconds', now())`,
      })
      .where(and(forSymbol, eq(priceAlerts.conditionMet, false), met))
      .returning();
    // The rest follow the price: met or not (re-armed), and the tick is now their latest.
    await tx.update(priceAlerts).set({ conditionMet: met, lastPrice: tick.price, lastTickAt: tick.time }).where(forSymbol);
    if (fired.length === 0) return [];

    const userIds = [...new Set(fired.map((alert) => alert.userId))];
    const stored = await tx.select().from(notificationPreferences).where(inArray(notificationPreferences.userId, userIds));
    const preferences = new Map<string, Preferences>(stored.map((row) => [row.userId, pickPreferences(row)]));
    const prefsOf = (userId: string) => preferences.get(userId) ?? DEFAULT_PREFERENCES;
    const wanted = fired.filter((alert) => prefsOf(alert.userId).priceAlerts);
    const firings = wanted.map((alert) => ({
      alert,
      message: renderAlertNotification({
        alertId: alert.id,
        symbol: alert.symbol,
        condition: alert.condition,
        threshold: alert.threshold,
        price: tick.price,
        time: tick.time.toISOString(),
      }),
    }));

    const inApp = firings.filter(({ alert }) => prefsOf(alert.userId).inAppEnabled);
    const added = inApp.length
      ? await tx
          .insert(notifications)
          .values(inApp.map(({ alert, message }) => ({ userId: alert.userId, kind: 'PRICE_ALERT' as const, ...message })))
          .returning()
      : [];

    const byEmail = firings.filter(({ alert }) => prefsOf(alert.userId).emailEnabled);
    const addresses = byEmail.length ? await knownAddresses(tx, [...new Set(byEmail.map(({ alert }) => alert.userId))]) : new Map<string, string>();
    const emails = byEmail.flatMap(({ alert, message }) => {
      const to = addresses.get(alert.userId);
      if (!to) return []; // no address known for this user yet: the in-app notification stands alone
      const email = renderAlertEmail({ ...message, appUrl: options.appUrl });
      return [{ eventId: `price_alert:${alert.id}:${alert.firedCount}`, userId: alert.userId, toAddress: to, kind: 'price_alert', ...email }];
    });
    if (emails.length) await tx.insert(outboundEmails).values(emails).onConflictDoNothing({ target: outboundEmails.eventId });
    return added;
  });
}

/**
 * The address auth last emailed each user at (verification or reset mail, from auth's events):
 * the only addresses this service holds.
 */
export async function knownAddresses(tx: NotificationsDb, userIds: string[]) {
  const rows = await tx
    .selectDistinctOn([outboundEmails.userId], { userId: outboundEmails.userId, to: outboundEmails.toAddress })
    .from(outboundEmails)
    .where(and(inArray(outboundEmails.userId, userIds), inArray(outboundEmails.kind, [...ADDRESS_SOURCE_KINDS])))
    .orderBy(outboundEmails.userId, desc(outboundEmails.createdAt));
  return new Map(rows.flatMap((row) => (row.userId ? [[row.userId, row.to] as const] : [])));
}
