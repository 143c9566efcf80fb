import { describe, expect, it } from 'vitest';
import { loadEnv } from '@nexanest/config';
import { analyticsEnvSchema } from '../src/env.ts';

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'j'.repeat(40),
  GATEWAY_IDENTITY_SECRET: 'g'.repeat(40),
  REDIS_URL: 'redis://cache:6379',
  ANALYTICS_DATABASE_URL: 'postgres://db:5432/analytics',
  TIMESCALE_DATABASE_URL: 'postgres://tsdb:5432/timescale',
};

describe('analytics settings', () => {
  it("refuses to boot in production without market's endpoint", () => {
    expect(() => loadEnv(analyticsEnvSchema, production)).toThrow(/MARKET_SUBGRAPH_URL/);
    const withPortfolio = { ...production, PORTFOLIO_SUBGRAPH_URL: 'http://portfolio:8002/graphql' };
    expect(loadEnv(analyticsEnvSchema, { ...withPortfolio, MARKET_SUBGRAPH_URL: 'http://market:8003/graphql' }).MARKET_SUBGRAPH_URL).toBe(
      'http://market:8003/graphql',
    );
  });

  it("refuses to boot in production without portfolio's endpoint (the snapshot builder's ledger)", () => {
    expect(() => loadEnv(analyticsEnvSchema, { ...production, MARKET_SUBGRAPH_URL: 'http://market:8003/graphql' })).toThrow(/PORTFOLIO_SUBGRAPH_URL/);
  });

  it('defaults to the local market, a 2% risk-free rate and a 60 s market cache in development', () => {
    const env = loadEnv(analyticsEnvSchema, { NODE_ENV: 'development' });
    expect(env).toMatchObject({ MARKET_SUBGRAPH_URL: 'http://127.0.0.1:8003/graphql', ANALYTICS_RISK_FREE_RATE: 0.02, ANALYTICS_MARKET_CACHE_TTL_MS: 60_000 });
    expect(loadEnv(analyticsEnvSchema, { NODE_ENV: 'development', ANALYTICS_RISK_FREE_RATE: '0.035' }).ANALYTICS_RISK_FREE_RATE).toBe(0.035);
    expect(() => loadEnv(analyticsEnvSchema, { NODE_ENV: 'development', ANALYTICS_RISK_FREE_RATE: '3.5' })).toThrow(/ANALYTICS_RISK_FREE_RATE/);
  });
});
