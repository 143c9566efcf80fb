import { iterateChannels } from '@nexanest/bus';
import { AppError } from '@nexanest/graphql';
import { renewLoaders, type MarketContext } from '../context.ts';
import { createLoaders } from '../loaders.ts';
import { priceChannel, type PublishedTick } from '../services/ingest-ticks.ts';

export const MAX_SUBSCRIBED_SYMBOLS = 100;

function parseTick(message: string): { priceTicks: PublishedTick } | null {
  try {
    const tick = JSON.parse(message) as PublishedTick;
    return typeof tick.symbol === 'string' && typeof tick.price === 'string' ? { priceTicks: tick } : null;
  } catch {
    return null;
  }
}

export const Subscription = {
  priceTicks: {
    subscribe: async (_: unknown, args: { symbols: string[] }, context: MarketContext) => {
      const symbols = [...new Set(args.symbols.map((symbol) => symbol.trim().toUpperCase()))];
      if (symbols.length === 0) throw new AppError('BAD_USER_INPUT', 'Name at least one symbol', { field: 'symbols' });
      if (symbols.length > MAX_SUBSCRIBED_SYMBOLS)
        throw new AppError('BAD_USER_INPUT', `At most ${MAX_SUBSCRIBED_SYMBOLS} symbols per subscription`, { field: 'symbols' });
      const found = await createLoaders({ sql: context.deps.sql, instruments: context.instruments }).instrument.loadMany(symbols);
      const unknown = symbols.filter((_symbol, index) => !found[index] || found[index] instanceof Error);
      if (unknown.length > 0) throw new AppError('BAD_USER_INPUT', `Unknown symbol: ${unknown.join(', ')}`, { field: 'symbols' });
      return iterateChannels(context.deps.bus, symbols.map(priceChannel), parseTick);
    },
    // The context outlives the subscription's events: fresh loaders per event keep
    // nested fields (instrument, its latest price) from being served from a stale cache.
    resolve: (event: { priceTicks: PublishedTick }, _: unknown, context: MarketContext) => {
      renewLoaders(context);
      return event.priceTicks;
    },
  },
};
