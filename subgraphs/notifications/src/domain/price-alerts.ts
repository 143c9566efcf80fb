import { Decimal } from 'decimal.js';
import type { AlertCondition } from '../db/schema/index.ts';

export type { AlertCondition };

/** Whether `price` is across `threshold` in the condition's direction (strictly). */
export const conditionMet = (condition: AlertCondition, threshold: Decimal.Value, price: Decimal.Value): boolean =>
  condition === 'ABOVE' ? new Decimal(price).gt(threshold) : new Decimal(price).lt(threshold);

/** Symbols are stored upper-case, as the market universe spells them. */
export const normalizeSymbol = (symbol: string): string => symbol.trim().toUpperCase();

/** What a fired alert tells its owner, in the app and by email. */
export interface AlertFiring {
  alertId: string;
  symbol: string;
  condition: AlertCondition;
  threshold: string;
  price: string;
  time: string;
}

/** The in-app notification of a firing: title, body and the structured data clients read. */
export function renderAlertNotification(firing: AlertFiring) {
  const direction = firing.condition === 'ABOVE' ? 'above' : 'below';
  return {
    title: `${firing.symbol} is ${direction} ${firing.threshold}`,
    body: `${firing.symbol} traded at ${firing.price} at ${firing.time}, ${direction} your alert threshold of ${firing.threshold}.`,
    data: { ...firing } as Record<string, unknown>,
  };
}
