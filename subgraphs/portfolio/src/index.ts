export { startPortfolioService, type StartPortfolioOptions } from './start.ts';
export { portfolioEnvSchema, loadPortfolioEnv, type PortfolioEnv } from './env.ts';
export { createMarketClient, MarketUnavailableError, type MarketClient, type MarketClientOptions, type InstrumentInfo } from './market-client.ts';
export { createPortfolioServer, type PortfolioServer, type PortfolioServerDeps } from './server.ts';
export { createAuthClient, type AuthClient } from './auth-client.ts';
