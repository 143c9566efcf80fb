import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, numeric, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The contract's AlertCondition. */
export const alertCondition = pgEnum('alert_condition', ['ABOVE', 'BELOW']);

/**
 * A user's price alert and its crossing state. `condition_met` says whether the latest evaluated
 * price (the tick at `last_tick_at`) met the condition: an alert fires only when it turns from
 * false to true, in a conditional UPDATE, so two instances or a storm of ticks fire it once per
 * crossing. Ticks not newer than `last_tick_at` are not evaluated.
 */
export const priceAlerts = pgTable(
  'price_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    symbol: text('symbol').notNull(),
    condition: alertCondition('condition').notNull(),
    threshold: numeric('threshold').notNull(),
    active: boolean('active').notNull().default(true),
    conditionMet: boolean('condition_met').notNull().default(false),
    lastPrice: numeric('last_price'),
    lastTickAt: timestamp('last_tick_at', { withTimezone: true, precision: 3 }),
    firedCount: integer('fired_count').notNull().default(0),
    lastFiredAt: timestamp('last_fired_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().default(sql`date_trunc('milliseconds', now())`),
  },
  (table) => [
    check('price_alerts_threshold_positive', sql`${table.threshold} > 0`),
    // The evaluator reads the active alerts of one symbol per tick.
    index('price_alerts_symbol_active_idx').on(table.symbol).where(sql`${table.active}`),
    index('price_alerts_user_id_created_at_idx').on(table.userId, table.createdAt),
  ],
);

export type PriceAlertRow = typeof priceAlerts.$inferSelect;
export type AlertCondition = PriceAlertRow['condition'];
