import type { PriceAlertRow } from '../db/schema/index.ts';

export const PriceAlert = {
  lastTriggeredAt: (alert: PriceAlertRow) => alert.lastFiredAt,
};
