export { startMarketService, prepareMarketDatabase, type MarketServiceOptions, type MarketServiceHandle } from './start.ts';
export { createMarketServer } from './server.ts';
export { createContextFactory, type MarketContext, type MarketDeps } from './context.ts';
export { loadMarketEnv, marketEnvSchema, type MarketEnv } from './env.ts';
export { seedDemoMarketData, type SeedOptions, type SeedResult } from './services/seed-demo-market-data.ts';
export {
  ingestTicks,
  createIngest,
  priceChannel,
  MAX_TICKS_PER_CALL,
  type Ingest,
  type IngestDeps,
  type IngestResult,
  type PublishedTick,
} from './services/ingest-ticks.ts';
export { createSimulator, type Simulator, type SimulatorOptions } from './feeds/simulator.ts';
export type { PriceFeed } from './feeds/price-feed.ts';
export type { TickInput } from './domain/tick-validation.ts';
export { listReferenceInstruments } from './reference-data.ts';
export { latestPriceKey, MARKET_REDIS_DB } from './cache/latest-price-cache.ts';
