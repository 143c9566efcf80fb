import type { MarketContext } from '../context.ts';
import type { PublishedTick } from '../services/ingest-ticks.ts';

export const PriceTick = {
  instrument: (tick: PublishedTick, _: unknown, context: MarketContext) => context.loaders.instrument.load(tick.symbol),
};
