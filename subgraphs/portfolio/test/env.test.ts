import { describe, expect, it } from 'vitest';
import { ConfigError } from '@nexanest/config';
import { loadPortfolioEnv } from '../src/env.ts';

describe('loadPortfolioEnv', () => {
  it('fills in local defaults for development', () => {
    expect(loadPortfolioEnv({})).toMatchObject({
      PORTFOLIO_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/portfolio',
      PORTFOLIO_DB_POOL_SIZE: 10,
      PORTFOLIO_PORT: 8002,
      MARKET_SUBGRAPH_URL: 'http://127.0.0.1:8003/graphql',
    });
  });
  it('refuses to start production on development defaults', () => {
    expect(() => loadPortfolioEnv({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadPortfolioEnv({ NODE_ENV: 'production' });
    } catch (error) {
      for (const name of ['PORTFOLIO_DATABASE_URL', 'MARKET_SUBGRAPH_URL', 'AUTH_SUBGRAPH_URL', 'GATEWAY_IDENTITY_SECRET', 'APP_DB_PASSWORD'])
        expect((error as Error).message).toContain(name);
    }
  });
});
