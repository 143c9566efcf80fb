import type { Bus } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';
import type { Identity, Logger } from '@nexanest/graphql';
import { createInstrumentCache, createLoaders, type InstrumentCache, type Loaders } from './loaders.ts';
import type { Ingest } from './services/ingest-ticks.ts';
import type { LatestPriceCache } from './cache/latest-price-cache.ts';

/** What the market server needs from the outside world. */
export interface MarketDeps {
  sql: Sql;
  bus: Bus;
  logger: Logger;
  production: boolean;
  /** Stores and publishes ticks; shared with the simulator and other feeds. */
  ingest: Ingest;
  /** Valuation clock; tests pin it. */
  now?: () => Date;
  /** Latest prices in Redis DB 1 (cache-aside); null without Redis. */
  latestPriceCache?: LatestPriceCache | null;
}

export interface MarketContext {
  identity: Identity | null;
  deps: MarketDeps;
  /**
   * Per-request DataLoaders. A WebSocket subscription keeps one context for its whole life, so
   * the subscription replaces them for every event (see resolvers/subscription.ts).
   */
  loaders: Loaders;
  /** Instruments already read, shared by every request of the server (loaders.ts). */
  instruments: InstrumentCache;
}

const loaderDeps = (deps: MarketDeps, instruments: InstrumentCache) => ({
  sql: deps.sql,
  latestPriceCache: deps.latestPriceCache ?? null,
  instruments,
  ...(deps.now ? { now: deps.now } : {}),
});

/** Builds the per-request context from the identity the gateway vouched for; the server's requests share one instrument cache. */
export const createContextFactory = (deps: MarketDeps) => {
  const instruments = createInstrumentCache();
  return (identity: Identity | null): MarketContext => ({
    identity,
    deps,
    instruments,
    loaders: createLoaders(loaderDeps(deps, instruments)),
  });
};

export const renewLoaders = (context: MarketContext): void => {
  context.loaders = createLoaders(loaderDeps(context.deps, context.instruments));
};
