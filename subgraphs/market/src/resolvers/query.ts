import { AppError, isCurrencyCode } from '@nexanest/graphql';
import type { MarketContext } from '../context.ts';
import { searchInstruments } from '../db/search-instruments.ts';
import { listIndexLevels } from '../db/market-indices.ts';
import { priceChange } from '../domain/latest-price.ts';
import { loadFxTable } from '../loaders.ts';

const currency = (value: string, field: string) => {
  const code = value.trim().toUpperCase();
  if (!isCurrencyCode(code)) throw new AppError('BAD_USER_INPUT', `${field} must be an ISO-4217 code`, { field });
  return code;
};

export const Query = {
  instrument: (_: unknown, args: { symbol: string }, context: MarketContext) => context.loaders.instrument.load(args.symbol.trim().toUpperCase()),

  searchInstruments: (_: unknown, args: { query: string; first?: number | null }, context: MarketContext) =>
    searchInstruments(context.deps.sql, args.query, args.first ?? 10),

  marketIndices: async (_: unknown, __: unknown, context: MarketContext) =>
    (await listIndexLevels(context.deps.sql)).map((level) => {
      const { change, changePercent } = priceChange(level.value, level.prevClose);
      return { symbol: level.symbol, name: level.name, value: level.value, change, changePercent, time: level.time };
    }),

  fxRate: async (_: unknown, args: { base: string; quote: string }, context: MarketContext) => {
    const base = currency(args.base, 'base');
    const quote = currency(args.quote, 'quote');
    const found = (await loadFxTable(context.loaders, [base, quote])).quote(base, quote);
    return { base, quote, rate: found.rate.toSignificantDigits(20).toFixed(), time: found.time ?? context.deps.now?.() ?? new Date() };
  },
};
