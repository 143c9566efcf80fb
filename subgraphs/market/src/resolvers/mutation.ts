import type { MarketContext } from '../context.ts';
import { assertMayIngest } from '../domain/ingest-permission.ts';
import type { TickInput } from '../domain/tick-validation.ts';

export const Mutation = {
  ingestPrices: async (_: unknown, args: { ticks: TickInput[] }, context: MarketContext) => {
    assertMayIngest(context.identity);
    return context.deps.ingest(args.ticks);
  },
};
