export { startPortfolioService, type StartPortfolioOptions } from './start.ts';
export { portfolioEnvSchema, loadPortfolioEnv, type PortfolioEnv } from './env.ts';
export { createPortfolioServer, type PortfolioServer, type PortfolioServerDeps } from './server.ts';
export { createAuthClient, type AuthClient } from './auth-client.ts';
export { createGoalEvaluator, type GoalEvaluator } from './goals/goal-evaluator.ts';
export { schema as portfolioSchema } from './db/index.ts';
export { createPortfolioCache, PORTFOLIO_REDIS_DB, type PortfolioCache } from './cache/portfolio-cache.ts';
