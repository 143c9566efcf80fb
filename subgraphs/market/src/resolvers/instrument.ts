import type { MarketContext } from '../context.ts';
import type { InstrumentRecord, LatestPriceRecord } from '../loaders.ts';
import { listCandles } from '../db/candles.ts';
import type { CandleInterval } from '../domain/candles.ts';
import { priceChange } from '../domain/latest-price.ts';

/** The Price type's shape, from a latest_prices row. */
export function toPrice(row: LatestPriceRecord) {
  const { change, changePercent } = priceChange(row.price, row.prevClose);
  return { price: row.price, time: row.time, open: row.open, high: row.high, low: row.low, volume: row.volume, change, changePercent };
}

export const Instrument = {
  __resolveReference: (reference: { symbol: string }, context: MarketContext) => context.loaders.instrument.load(String(reference.symbol).toUpperCase()),
  latestPrice: async (instrument: InstrumentRecord, _: unknown, context: MarketContext) => {
    const row = await context.loaders.latestPrice.load(instrument.symbol);
    return row ? toPrice(row) : null;
  },
  candles: (instrument: InstrumentRecord, args: { interval: CandleInterval; from: Date; to: Date }, context: MarketContext) =>
    listCandles(context.deps.sql, instrument.symbol, args.interval, args.from, args.to),
};
