import { badInput, notFound, requireIdentity } from '@nexanest/graphql';
import type { Decimal } from 'decimal.js';
import type { NotificationsContext } from '../context.ts';
import type { AlertCondition } from '../db/schema/index.ts';
import { conditionMet, normalizeSymbol } from '../domain/price-alerts.ts';
import type { PreferencesChange } from '../domain/preferences.ts';
import { markAllNotificationsRead, markNotificationRead } from '../notifications-store.ts';
import { updatePreferences } from '../preferences-store.ts';
import { countActivePriceAlerts, deactivatePriceAlert, deletePriceAlert, insertPriceAlert } from '../price-alerts-store.ts';
import { callerId, isUuid } from './caller.ts';

const SYMBOL_MAX = 32;
/** Active alerts per user: each one costs an evaluation on every tick of its symbol. */
export const MAX_ACTIVE_ALERTS = 100;

export const Mutation = {
  updateNotificationPreferences: async (_parent: unknown, args: { input: PreferencesChange }, ctx: NotificationsContext) =>
    updatePreferences(await ctx.db(), requireIdentity(ctx.identity).userId, args.input),

  markNotificationRead: async (_parent: unknown, args: { id: string }, ctx: NotificationsContext) => {
    const userId = callerId(ctx);
    const row = isUuid(args.id) ? await markNotificationRead(await ctx.db(), userId, args.id.toLowerCase()) : null;
    if (!row) throw notFound('Notification');
    return row;
  },

  markAllNotificationsRead: async (_parent: unknown, _args: unknown, ctx: NotificationsContext) => {
    const userId = callerId(ctx);
    return markAllNotificationsRead(await ctx.db(), userId);
  },

  /** Validates everything (asking market for the symbol) before the first write. */
  createPriceAlert: async (_parent: unknown, args: { input: { symbol: string; condition: AlertCondition; threshold: Decimal } }, ctx: NotificationsContext) => {
    const userId = callerId(ctx);
    const symbol = normalizeSymbol(args.input.symbol);
    if (symbol.length < 1 || symbol.length > SYMBOL_MAX) throw badInput(`symbol must be 1 to ${SYMBOL_MAX} characters`, 'symbol');
    const { threshold, condition } = args.input;
    if (!threshold.gt(0)) throw badInput('threshold must be greater than 0', 'threshold');
    const instrument = await ctx.deps.market.findQuote(symbol);
    if (!instrument) throw badInput(`Unknown symbol ${symbol}`, 'symbol');
    const latest = instrument.latestPrice;
    const db = await ctx.db();
    if ((await countActivePriceAlerts(db, userId)) >= MAX_ACTIVE_ALERTS)
      throw badInput(`At most ${MAX_ACTIVE_ALERTS} active price alerts; switch one off first`, 'symbol');
    const alert = await insertPriceAlert(db, {
      userId,
      symbol: instrument.symbol,
      condition,
      threshold: threshold.toFixed(),
      conditionMet: latest ? conditionMet(condition, threshold, latest.price) : false,
      lastPrice: latest?.price ?? null,
      lastTickAt: latest ? new Date(latest.time) : null,
    });
    await ctx.deps.watchSymbol(alert.symbol);
    return alert;
  },

  deactivatePriceAlert: async (_parent: unknown, args: { id: string }, ctx: NotificationsContext) => {
    const userId = callerId(ctx);
    const row = isUuid(args.id) ? await deactivatePriceAlert(await ctx.db(), userId, args.id.toLowerCase()) : null;
    if (!row) throw notFound('Price alert');
    return row;
  },

  deletePriceAlert: async (_parent: unknown, args: { id: string }, ctx: NotificationsContext) => {
    const userId = callerId(ctx);
    if (!isUuid(args.id) || !(await deletePriceAlert(await ctx.db(), userId, args.id.toLowerCase()))) throw notFound('Price alert');
    return args.id;
  },
};
